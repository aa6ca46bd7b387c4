#include "core/test_hooks.hpp"

#include "core/json_io.hpp"

namespace idledger::api::test_hooks {

using domain::Json;

namespace {
domain::Result<Json> hook_body(RequestContext& ctx, const HttpRequest& req) {
    if (!ctx.app.config.test_hooks) return domain::fail(domain::ErrorCode::PathNotFound, req.path);
    return parse_body(req);
}
}  // namespace

domain::Result<HttpResponse> advance_clock(RequestContext& ctx, const HttpRequest& req) {
    auto body = hook_body(ctx, req);
    if (!body) return std::unexpected(body.error());
    const Json* ms = body->find("advanceMs");
    if (!ms || !ms->is_int() || ms->as_int() < 0)
        return domain::validation("advanceMs", "must be a non-negative integer");
    if (!ctx.app.advance_clock) return domain::fail(domain::ErrorCode::NotFound);
    ctx.app.advance_clock(ms->as_int());
    Json out = Json::object();
    out.set("now", domain::format_iso8601(ctx.app.clock.now_ms()));
    return json_response(200, out);
}

domain::Result<HttpResponse> kafka_broker(RequestContext& ctx, const HttpRequest& req) {
    auto body = hook_body(ctx, req);
    if (!body) return std::unexpected(body.error());
    const Json* up = body->find("brokerUp");
    if (!up || !up->is_bool()) return domain::validation("brokerUp", "must be a boolean");
    if (!ctx.app.lifecycle || !ctx.app.lifecycle->set_broker_up(up->as_bool()))
        return domain::fail(domain::ErrorCode::NotFound);
    Json out = Json::object();
    out.set("brokerUp", up->as_bool());
    return json_response(200, out);
}

}  // namespace idledger::api::test_hooks
