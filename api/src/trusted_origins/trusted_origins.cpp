#include "trusted_origins/trusted_origins.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/trusted_origin.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::api::trusted_origins {

using domain::Json;
using domain::kTrustedOrigins;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/trustedOrigins";

Json render(const RequestContext& ctx, const pj::Document& d) {
    return with_lifecycle_links(ctx, d, kCollection);
}

bool starts_with_ci(const std::string& s, const std::string& prefix_lower) {
    return domain::normalize_login(s).starts_with(prefix_lower);
}

R list(RequestContext& ctx, const HttpRequest& req) {
    auto filter = filter_param(req, domain::parse_trusted_origin_filter);
    if (!filter) return std::unexpected(filter.error());
    const std::string q = req.param("q") ? domain::normalize_login(*req.param("q")) : "";
    return document_page(
        ctx, req, kTrustedOrigins, 20, 200,
        [&](const pj::Document& d) {
            if (!q.empty() && !starts_with_ci(d.state.string_at("name"), q) &&
                !starts_with_ci(d.state.string_at("origin"), q))
                return false;
            return !*filter ||
                   domain::matches_json(**filter, domain::trusted_origin_query_view(d.state));
        },
        [&](const pj::Document& d) { return render(ctx, d); });
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, kTrustedOrigins, ctx.param("trustedOriginId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string actor = ctx.principal.user_id;
    auto d = create_document(
        ctx, kTrustedOrigins,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content =
                domain::trusted_origin_content(*body, unique_lookup(tx, kTrustedOrigins));
            if (!content) return std::unexpected(content.error());
            return domain::decide_trusted_origin_create(id, *content, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string id = ctx.param("trustedOriginId");
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kTrustedOrigins, id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content =
                domain::trusted_origin_content(*body, unique_lookup(tx, kTrustedOrigins), id);
            if (!content) return std::unexpected(content.error());
            return domain::decide_trusted_origin_update(current.state, *content, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R set_status(RequestContext& ctx, bool active) {
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kTrustedOrigins, ctx.param("trustedOriginId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_trusted_origin_status(current.state, active, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R activate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, true); }
R deactivate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, false); }

R remove(RequestContext& ctx, const HttpRequest&) {
    auto done =
        delete_document(ctx, kTrustedOrigins, ctx.param("trustedOriginId"),
                        [](const pj::Document&,
                           eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                            return domain::decide_trusted_origin_delete();
                        });
    if (!done) return std::unexpected(done.error());
    return empty_response(200);  // the scope document's 200 with an empty body
}

}  // namespace

bool cors_allowed(App& app, const std::string& origin) {
    auto normalized = domain::normalized_origin(origin);
    if (!normalized) return false;
    auto d = app.documents.by_unique(kTrustedOrigins, "origin", *normalized);
    return d && *d && domain::allows_cors((*d)->state);
}

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kAll = kCollection;
    constexpr std::string_view kOne = "/api/v1/trustedOrigins/{trustedOriginId}";
    return {
        {"GET", kAll, "TrustedOrigin_listTrustedOrigins", "trusted-origins",
         need("okta.trustedOrigins.read"), Blocking, list},
        {"POST", kAll, "TrustedOrigin_createTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.manage"), Blocking, create},
        {"GET", kOne, "TrustedOrigin_getTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.read"), Inline, get},
        {"PUT", kOne, "TrustedOrigin_replaceTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.manage"), Blocking, replace},
        {"DELETE", kOne, "TrustedOrigin_deleteTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.manage"), Blocking, remove},
        {"POST", "/api/v1/trustedOrigins/{trustedOriginId}/lifecycle/activate",
         "TrustedOrigin_activateTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.manage"), Blocking, activate},
        {"POST", "/api/v1/trustedOrigins/{trustedOriginId}/lifecycle/deactivate",
         "TrustedOrigin_deactivateTrustedOrigin", "trusted-origins",
         need("okta.trustedOrigins.manage"), Blocking, deactivate},
    };
}

}  // namespace idledger::api::trusted_origins
