#include "core/system_handlers.hpp"

#include "core/json_io.hpp"
#include "core/test_hooks.hpp"

namespace idledger::api::system {

using domain::Json;

domain::Result<HttpResponse> healthz(RequestContext&, const HttpRequest&) {
    Json j = Json::object();
    j.set("status", "ok");
    return json_response(200, j);
}

domain::Result<HttpResponse> readyz(RequestContext& ctx, const HttpRequest&) {
    // Read models are written in the events' own batch, so they are never behind the log. Not
    // ready while the store refuses writes (a full disk): reads still work, writes answer 503.
    Json j = Json::object();
    auto failure = ctx.app.store.write_failure();
    if (failure)
        failure = "the store cannot write: " + *failure;
    else if (ctx.app.replica)
        failure = ctx.app.replica->not_ready();  // a replica too far behind its primary
    j.set("status", failure ? "not ready" : "ready");
    if (failure) j.set("reason", *failure);
    j.set("logPosition", int64_t(ctx.app.store.head()));
    return json_response(failure ? 503 : 200, j);
}

domain::Result<HttpResponse> metrics(RequestContext& ctx, const HttpRequest&) {
    HttpResponse r;
    r.status = 200;
    r.json = false;
    r.body = ctx.app.metrics.render(ctx.app.store.stats());
    if (ctx.app.lifecycle) r.body += ctx.app.lifecycle->render_metrics();
    if (ctx.app.replica) r.body += ctx.app.replica->render_metrics();
    r.add_header("Content-Type", "text/plain; version=0.0.4");
    return r;
}

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"GET", "/healthz", "healthz", "other", kPublic, Inline, healthz},
        {"GET", "/readyz", "readyz", "other", kPublic, Inline, readyz},
        {"GET", "/metrics", "metrics", "other", kOperations, Inline, metrics},
        {"POST", "/api/v1/_test/clock", "test_advanceClock", "other", need("idledger.testHooks"),
         Blocking, test_hooks::advance_clock},
        {"POST", "/api/v1/_test/kafka", "test_kafkaBroker", "other", need("idledger.testHooks"),
         Blocking, test_hooks::kafka_broker},
    };
}

}  // namespace idledger::api::system
