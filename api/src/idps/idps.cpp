// Identity providers: create (?activate=), read, list (q, type, limit, after), replace,
// activate, deactivate, delete.

#include "idps/idps.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/identity_provider.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::api::idps {

using domain::Json;
using domain::kIdps;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/idps";

R list(RequestContext& ctx, const HttpRequest& req) {
    const std::string q = req.param("q") ? domain::normalize_login(*req.param("q")) : "";
    const std::string type = req.param("type") ? *req.param("type") : "";
    return document_page(
        ctx, req, kIdps, 20, 200,
        [&](const pj::Document& d) {
            if (!type.empty() && d.state.string_at("type") != type) return false;
            return q.empty() || domain::normalize_login(d.state.string_at("name")).starts_with(q);
        },
        [&](const pj::Document& d) { return render_idp(ctx, d); });
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, kIdps, ctx.param("idpId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_idp(ctx, *d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto active = bool_param(req, "activate", true);
    if (!active) return std::unexpected(active.error());
    const std::string actor = ctx.principal.user_id;
    auto d = create_document(
        ctx, kIdps,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto idp = domain::idp_from_body(*body, unique_lookup(tx, kIdps));
            if (!idp) return std::unexpected(idp.error());
            return domain::decide_idp_create(id, *idp, *active, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_idp(ctx, *d));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string id = ctx.param("idpId");
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kIdps, id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto idp =
                domain::idp_from_body(*body, unique_lookup(tx, kIdps), &current.state, current.id);
            if (!idp) return std::unexpected(idp.error());
            return domain::decide_idp_update(current.state, *idp, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_idp(ctx, *d));
}

R set_status(RequestContext& ctx, bool active) {
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kIdps, ctx.param("idpId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_idp_status(current.state, active, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_idp(ctx, *d));
}

R activate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, true); }
R deactivate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, false); }

R remove(RequestContext& ctx, const HttpRequest&) {
    const std::string actor = ctx.principal.user_id;
    auto done = delete_document(
        ctx, kIdps, ctx.param("idpId"),
        [&](const pj::Document&,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_idp_delete(actor);
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

Json render_idp(const RequestContext& ctx, const pj::Document& d) {
    Json j = with_lifecycle_links(ctx, d, kCollection);
    if (Json* p = j.find("protocol"))
        if (Json* c = p->find("credentials"))
            if (Json* client = c->find("client")) client->erase("client_secret_digest");
    Json* links = j.find("_links");
    const std::string self = ctx.base_url + std::string(kCollection) + "/" + d.id;
    links->set("users", hal_link(self + "/users"));
    if (d.state.string_at("type") == "SAML2") {
        links->set("acs", hal_link(ctx.base_url + "/sso/saml2/" + d.id, {"POST"}));
        links->set("metadata", hal_link(self + "/metadata.xml", {"GET"}));
    } else {
        Json authorize = hal_link(ctx.base_url + "/oauth2/v1/authorize?idp=" + d.id +
                                      "&client_id={clientId}&response_type={responseType}"
                                      "&response_mode={responseMode}&scope={scopes}"
                                      "&redirect_uri={redirectUri}&state={state}&nonce={nonce}",
                                  {"GET"});
        authorize.set("templated", true);
        links->set("authorize", std::move(authorize));
        links->set("clientRedirectUri",
                   hal_link(ctx.base_url + "/oauth2/v1/authorize/callback", {"POST"}));
    }
    return j;
}

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/idps/{idpId}";
    std::vector<Route> out = {
        {"GET", kCollection, "IdentityProvider_listIdentityProviders", "idps",
         need("okta.identityProviders.read"), Query, list},
        {"POST", kCollection, "IdentityProvider_createIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, create},
        {"GET", kOne, "IdentityProvider_getIdentityProvider", "idps",
         need("okta.identityProviders.read"), Inline, get},
        {"PUT", kOne, "IdentityProvider_replaceIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, replace},
        {"DELETE", kOne, "IdentityProvider_deleteIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, remove},
        {"POST", "/api/v1/idps/{idpId}/lifecycle/activate",
         "IdentityProvider_activateIdentityProvider", "idps", need("okta.identityProviders.manage"),
         Blocking, activate},
        {"POST", "/api/v1/idps/{idpId}/lifecycle/deactivate",
         "IdentityProvider_deactivateIdentityProvider", "idps",
         need("okta.identityProviders.manage"), Blocking, deactivate},
    };
    auto users = user_link_routes();
    out.insert(out.end(), users.begin(), users.end());
    return out;
}

}  // namespace idledger::api::idps
