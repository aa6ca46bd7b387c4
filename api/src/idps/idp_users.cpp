// Users linked to an IdP: link (POST with externalId), unlink (204), get one, list an IdP's
// users (paged), and GET /api/v1/users/{userId}/idps.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/identity_provider.hpp"
#include "idps/idps.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::idps {

using domain::Json;
using domain::kIdps;
using domain::kIdpUsers;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

/// Okta's IdentityProviderApplicationUser.
Json render_link(const RequestContext& ctx, const std::string& idp_id, std::string_view user_id,
                 const Json& link) {
    Json j = Json::object();
    j.set("id", std::string(user_id));
    j.set("externalId", link.string_at("externalId"));
    j.set("created", iso_field(link, "created"));
    j.set("lastUpdated", iso_field(link, "lastUpdated"));
    j.set("profile", Json::object());
    const std::string idp = ctx.base_url + "/api/v1/idps/" + idp_id;
    Json links = Json::object();
    links.set("self", hal_link(idp + "/users/" + std::string(user_id)));
    links.set("idp", hal_link(idp));
    links.set("user", hal_link(ctx.base_url + "/api/v1/users/" + std::string(user_id)));
    j.set("_links", std::move(links));
    return j;
}

R link_user(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto external = domain::idp_link_external_id(*body);
    if (!external) return std::unexpected(external.error());
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    const std::string uid = user->user.id;
    const std::string idp_id = ctx.param("idpId");
    const std::string actor = ctx.principal.user_id;
    auto d = run_document_command(
        ctx, kIdps, idp_id, Subject::Existing,
        link_decision(kIdpUsers, uid,
                      [&](const pj::Document&, const std::optional<Json>& link)
                          -> domain::Result<std::vector<domain::Event>> {
                          return domain::decide_idp_link(uid, *external, link, actor);
                      }));
    if (!d) return std::unexpected(d.error());
    auto link = ctx.app.documents.link_data(kIdpUsers, idp_id, uid);
    if (!link) return std::unexpected(store_failure(link.error()));
    return json_response(200, render_link(ctx, idp_id, uid, link->value_or(Json::object())));
}

R get_user(RequestContext& ctx, const HttpRequest&) {
    auto idp = find_document(ctx, kIdps, ctx.param("idpId"));
    if (!idp) return std::unexpected(idp.error());
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    auto link = ctx.app.documents.link_data(kIdpUsers, idp->id, user->user.id);
    if (!link) return std::unexpected(store_failure(link.error()));
    if (!*link) return domain::not_found(user->user.id, "IdentityProviderApplicationUser");
    return json_response(200, render_link(ctx, idp->id, user->user.id, **link));
}

/// Unlinks `user_id` from IdP `idp_id` (no event when it was not linked).
domain::Result<void> unlink(RequestContext& ctx, const std::string& idp_id, Subject subject,
                            const std::string& user_id) {
    const std::string actor = ctx.principal.user_id;
    auto d = run_document_command(
        ctx, kIdps, idp_id, subject,
        link_decision(kIdpUsers, user_id,
                      [&](const pj::Document&, const std::optional<Json>& link)
                          -> domain::Result<std::vector<domain::Event>> {
                          return domain::decide_idp_unlink(user_id, link.has_value(), actor);
                      }));
    if (!d) return std::unexpected(d.error());
    return {};
}

R unlink_user(RequestContext& ctx, const HttpRequest&) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    if (auto done = unlink(ctx, ctx.param("idpId"), Subject::Existing, user->user.id); !done)
        return std::unexpected(done.error());
    return empty_response(204);
}

/// GET /idps/{idpId}/users: in the order linked, `limit` (20, at most 200), `after`.
R list_users(RequestContext& ctx, const HttpRequest& req) {
    auto idp = find_document(ctx, kIdps, ctx.param("idpId"));
    if (!idp) return std::unexpected(idp.error());
    return relation_page(ctx, req, kIdpUsers, idp->id, 20, 200,
                         [&](std::string_view uid) -> domain::Result<std::optional<Json>> {
                             auto link = ctx.app.documents.link_data(kIdpUsers, idp->id, uid);
                             if (!link) return std::unexpected(store_failure(link.error()));
                             if (!*link) return std::optional<Json>();
                             return std::optional(render_link(ctx, idp->id, uid, **link));
                         });
}

/// GET /users/{userId}/idps: the IdPs the user is linked to, in the order linked.
R user_idps(RequestContext& ctx, const HttpRequest&) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    Json items = Json::array();
    std::optional<eventstore::Error> failure;
    auto r = ctx.app.documents.related_ids(
        kIdpUsers, false, user->user.id, 0, [&](uint64_t, std::string_view idp_id) {
            auto d = ctx.app.documents.get(kIdps, idp_id);
            if (!d) {
                failure = d.error();
                return false;
            }
            if (*d) items.push(render_idp(ctx, **d));  // deleted IdPs are skipped
            return true;
        });
    if (failure) return std::unexpected(store_failure(*failure));
    if (!r) return std::unexpected(store_failure(r.error()));
    return json_response(200, items);
}

}  // namespace

domain::Result<void> unlink_user_everywhere(RequestContext& ctx, const std::string& user_id) {
    std::vector<std::string> linked;
    auto r = ctx.app.documents.related_ids(kIdpUsers, false, user_id, 0,
                                           [&](uint64_t, std::string_view id) {
                                               linked.emplace_back(id);
                                               return true;
                                           });
    if (!r) return std::unexpected(store_failure(r.error()));
    for (const auto& id : linked)
        if (auto done = unlink(ctx, id, Subject::Either, user_id); !done) return done;
    return {};
}

std::vector<Route> user_link_routes() {
    using enum Exec;
    constexpr std::string_view kLink = "/api/v1/idps/{idpId}/users/{userId}";
    return {
        {"GET", "/api/v1/idps/{idpId}/users",
         "IdentityProvider_listIdentityProviderApplicationUsers", "idps",
         need("okta.identityProviders.read"), Blocking, list_users},
        {"POST", kLink, "IdentityProvider_linkUserToIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, link_user},
        {"GET", kLink, "IdentityProvider_getIdentityProviderApplicationUser", "idps",
         need("okta.identityProviders.read"), Blocking, get_user},
        {"DELETE", kLink, "IdentityProvider_unlinkUserFromIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, unlink_user},
        {"GET", "/api/v1/users/{userId}/idps", "User_listUserIdentityProviders", "users",
         self_or("okta.users.read"), Blocking, user_idps},
    };
}

}  // namespace idledger::api::idps
