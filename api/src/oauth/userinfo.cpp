// GET/POST /userinfo (the signed-in user's claims for the access token's scopes) and GET /logout
// (ends the browser's session; back to a registered post-logout URI).

#include "core/json_io.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/jwt.hpp"
#include "oauth/endpoints.hpp"
#include "oauth/key_ring.hpp"
#include "oauth/server.hpp"
#include "sessions/sessions.hpp"

namespace idledger::api::oauth {

using domain::Json;

namespace {

HttpResponse bearer_refused(int status, std::string_view error, std::string_view description) {
    HttpResponse res = oauth_error(status, error, description);
    res.add_header("WWW-Authenticate", "Bearer authorization_uri=\"\", error=\"" +
                                           std::string(error) + "\", error_description=\"" +
                                           std::string(description) + "\"");
    return res;
}

std::string bearer(const HttpRequest& req) {
    const std::string* h = req.header("authorization");
    if (!h || h->size() <= 7 || !(h->starts_with("Bearer ") || h->starts_with("bearer ")))
        return {};
    return h->substr(7);
}

bool registered_logout_uri(const projections::Document& app, std::string_view uri) {
    const Json* settings = app.state.find("settings");
    const Json* oauth = settings ? settings->find("oauthClient") : nullptr;
    const Json* uris = oauth ? oauth->find("post_logout_redirect_uris") : nullptr;
    if (!uris || !uris->is_array()) return false;
    for (const auto& u : uris->as_array())
        if (u.is_string() && u.as_string() == uri) return true;
    return false;
}

}  // namespace

Answer userinfo(RequestContext& ctx, const HttpRequest& req) {
    auto server = server_for(ctx);
    if (!server) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    const std::string token = bearer(req);
    if (token.empty())
        return bearer_refused(401, "invalid_request", "The access token is missing.");
    auto claims = verified_claims(ctx.app, ctx.base_url, token);
    if (!claims || claims->string_at("iss") != server->issuer)
        return bearer_refused(401, "invalid_token", "The access token is invalid.");
    auto live = still_active(ctx.app, *claims);
    if (!live) return std::unexpected(live.error());
    if (!*live) return bearer_refused(401, "invalid_token", "The access token is invalid.");
    std::vector<std::string> scopes;
    if (const Json* scp = claims->find("scp"); scp && scp->is_array())
        for (const auto& s : scp->as_array())
            if (s.is_string()) scopes.push_back(s.as_string());
    if (!has_scope(scopes, "openid") || claims->string_at("uid").empty())
        return bearer_refused(403, "insufficient_scope",
                              "The access token must provide access to at least one of these "
                              "scopes - profile, email, address or phone");
    auto out = user_claims(ctx, claims->string_at("uid"), scopes);
    if (!out) return std::unexpected(out.error());
    return no_store_json(200, *out);
}

Answer logout(RequestContext& ctx, const HttpRequest& req) {
    auto server = server_for(ctx);
    if (!server) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    // Which client asks: the ID token it holds names it (its signature is ours; it may have
    // expired).
    std::string client_id;
    if (const std::string* hint = req.param("id_token_hint")) {
        auto parts = domain::jwt_split(*hint);
        auto key = parts ? key_ring(ctx.app).find(parts->header.string_at("kid")) : std::nullopt;
        if (!parts || !key || !key->verify_rs256(parts->signing_input, parts->signature))
            return oauth_error(400, "invalid_request", "The 'id_token_hint' is invalid.");
        client_id = parts->claims.string_at("aud");
    }
    auto session = sessions::current(ctx, req);
    if (!session) return std::unexpected(session.error());
    if (*session)
        if (auto r = sessions::end(ctx, (*session)->id, "USER"); !r)
            return std::unexpected(r.error());
    HttpResponse res;
    res.json = false;
    res.add_header("Set-Cookie", sessions::cookie(ctx, "", 0));
    res.add_header("Cache-Control", "no-store");
    const std::string* after = req.param("post_logout_redirect_uri");
    if (after && !after->empty()) {
        auto app = find_client(ctx.app, client_id);
        if (!app) return std::unexpected(app.error());
        if (!*app || !registered_logout_uri(**app, *after))
            return oauth_error(400, "invalid_request",
                               "The 'post_logout_redirect_uri' parameter must be a Logout "
                               "redirect URI in the client app settings.");
        std::string to = *after;
        if (const std::string* state = req.param("state"))
            to += std::string(to.find('?') == std::string::npos ? "?" : "&") +
                  "state=" + percent_encode(*state);
        res.status = 302;
        res.add_header("Location", to);
        return res;
    }
    res.status = 200;
    res.add_header("Content-Type", "text/html; charset=utf-8");
    res.body =
        "<!doctype html><html><head><title>Signed out</title></head><body><p>You are "
        "signed out.</p></body></html>";
    return res;
}

}  // namespace idledger::api::oauth
