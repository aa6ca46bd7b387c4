// Applications: create (?activate=), read, list (q, filter=status eq), replace, activate,
// deactivate, delete (only INACTIVE).

#include "apps/apps.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::api::apps {

using domain::Json;
using domain::kApps;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/apps";

/// `filter`: `status eq "ACTIVE"|"INACTIVE"` (Okta's list also takes user.id and group.id:
/// those are the assignment lists here).
domain::Result<std::optional<std::string>> status_filter(const HttpRequest& req) {
    const std::string* f = req.param("filter");
    if (!f || f->empty()) return std::optional<std::string>();
    auto node = domain::parse_user_query(*f, domain::QueryMode::Log);
    if (!node) return std::unexpected(node.error());
    if (node->kind != domain::QueryNode::Kind::Compare || node->attribute != "status" ||
        node->op != domain::QueryOp::Eq || !node->value.is_string() ||
        (node->value.as_string() != "ACTIVE" && node->value.as_string() != "INACTIVE"))
        return domain::fail(domain::ErrorCode::InvalidSearch, {},
                            {{"filter: use status eq \"ACTIVE\" or status eq \"INACTIVE\""}});
    return std::optional(node->value.as_string());
}

R list(RequestContext& ctx, const HttpRequest& req) {
    auto status = status_filter(req);
    if (!status) return std::unexpected(status.error());
    const std::string q = req.param("q") ? domain::normalize_login(*req.param("q")) : "";
    return document_page(
        ctx, req, kApps, 20, 200,
        [&](const pj::Document& d) {
            if (*status && d.state.string_at("status") != **status) return false;
            return q.empty() ||
                   domain::normalize_login(d.state.string_at("label")).starts_with(q) ||
                   domain::normalize_login(d.state.string_at("name")).starts_with(q);
        },
        [&](const pj::Document& d) { return render_app(ctx, d); });
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, kApps, ctx.param("appId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_app(ctx, *d));
}

/// The answer to a create or replace: the app, with a new client secret shown this once.
Json with_secret(Json app, const std::optional<std::string>& secret) {
    if (!secret) return app;
    if (Json* c = app.find("credentials"))
        if (Json* o = c->find("oauthClient")) o->set("client_secret", *secret);
    return app;
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto active = bool_param(req, "activate", true);
    if (!active) return std::unexpected(active.error());
    auto draft = domain::app_from_body(*body);
    if (!draft) return std::unexpected(draft.error());
    const std::string actor = ctx.principal.user_id;
    auto d = create_document(
        ctx, kApps,
        [&](const std::string& id,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_app_create(id, *draft, *active, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, with_secret(render_app(ctx, *d), draft->client_secret));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string actor = ctx.principal.user_id;
    std::optional<std::string> secret;
    auto d = change_document(
        ctx, kApps, ctx.param("appId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            auto draft = domain::app_from_body(*body, &current.state);
            if (!draft) return std::unexpected(draft.error());
            secret = draft->client_secret;
            return domain::decide_app_update(current.state, *draft, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, with_secret(render_app(ctx, *d), secret));
}

R set_status(RequestContext& ctx, bool active) {
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kApps, ctx.param("appId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_app_status(current.state, active, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, Json::object());
}

R activate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, true); }
R deactivate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, false); }

R remove(RequestContext& ctx, const HttpRequest&) {
    const std::string actor = ctx.principal.user_id;
    auto done = delete_document(
        ctx, kApps, ctx.param("appId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_app_delete(current.state, actor);
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

Json render_app(const RequestContext& ctx, const pj::Document& d) {
    Json j = with_lifecycle_links(ctx, d, kCollection);
    if (Json* c = j.find("credentials"))
        if (Json* o = c->find("oauthClient")) o->erase("client_secret_digest");
    const std::string self = ctx.base_url + std::string(kCollection) + "/" + d.id;
    Json* links = j.find("_links");
    Json app_links = Json::array();
    if (const Json* v = d.state.find("visibility"))
        if (const Json* l = v->find("appLinks"); l && l->is_object())
            for (const auto& [name, shown] : l->as_object()) {
                if (shown != Json(true)) continue;
                Json link = Json::object();
                link.set("name", name);
                link.set("href", ctx.base_url + "/home/" + d.state.string_at("name") + "/" + d.id +
                                     "/" + name);
                link.set("type", "text/html");
                app_links.push(std::move(link));
            }
    links->set("appLinks", std::move(app_links));
    links->set("users", hal_link(self + "/users"));
    links->set("groups", hal_link(self + "/groups"));
    Json logo = Json::array();
    Json l = Json::object();
    l.set("name", "medium");
    l.set("href", ctx.base_url + "/assets/img/logos/default.png");
    l.set("type", "image/png");
    logo.push(std::move(l));
    links->set("logo", std::move(logo));
    return j;
}

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/apps/{appId}";
    std::vector<Route> out = {
        {"GET", kCollection, "Application_listApplications", "apps", need("okta.apps.read"), Query,
         list},
        {"POST", kCollection, "Application_createApplication", "apps", need("okta.apps.manage"),
         Blocking, create},
        {"GET", kOne, "Application_getApplication", "apps", need("okta.apps.read"), Inline, get},
        {"PUT", kOne, "Application_replaceApplication", "apps", need("okta.apps.manage"), Blocking,
         replace},
        {"DELETE", kOne, "Application_deleteApplication", "apps", need("okta.apps.manage"),
         Blocking, remove},
        {"POST", "/api/v1/apps/{appId}/lifecycle/activate", "Application_activateApplication",
         "apps", need("okta.apps.manage"), Blocking, activate},
        {"POST", "/api/v1/apps/{appId}/lifecycle/deactivate", "Application_deactivateApplication",
         "apps", need("okta.apps.manage"), Blocking, deactivate},
    };
    for (auto&& more : {assignment_routes(), app_link_routes()})
        out.insert(out.end(), more.begin(), more.end());
    return out;
}

}  // namespace idledger::api::apps
