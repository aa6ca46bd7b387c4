// POST /introspect (RFC 7662) and POST /revoke (RFC 7009) for access and refresh tokens. A
// client sees and revokes only what was issued to it; to any other question the answer is
// {"active": false} and 200, so neither endpoint tells whether a token exists.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/password_hash.hpp"
#include "oauth/endpoints.hpp"
#include "oauth/server.hpp"

namespace idledger::api::oauth {

using domain::Json;

namespace {

Json inactive() {
    Json j = Json::object();
    j.set("active", false);
    return j;
}

/// The refresh token document `value` names, when it is this client's and the value is the
/// current one.
domain::Result<std::optional<projections::Document>> refresh_document(RequestContext& ctx,
                                                                      const Client& client,
                                                                      const std::string& value) {
    using Maybe = std::optional<projections::Document>;
    auto parts = domain::split_secret_value(value, domain::kOAuthRefreshTokens.id_prefix);
    if (!parts) return Maybe{};
    auto d = ctx.app.documents.get(domain::kOAuthRefreshTokens, parts->id);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d || (*d)->state.string_at("clientId") != client.id ||
        (*d)->state.string_at("digest") != domain::token_digest(parts->value))
        return Maybe{};
    return std::move(*d);
}

struct Parsed {
    std::vector<std::pair<std::string, std::string>> params;
    Client client;
};
std::expected<Parsed, HttpResponse> parse(RequestContext& ctx, const HttpRequest& req) {
    auto params = form_params(req);
    if (!params)
        return std::unexpected(oauth_error(
            400, "invalid_request", "The request body must be application/x-www-form-urlencoded."));
    auto client = authenticate_client(ctx, req, *params);
    if (!client) return std::unexpected(std::move(client.error()));
    if (form_value(*params, "token").empty())
        return std::unexpected(
            oauth_error(400, "invalid_request", "The 'token' parameter is required."));
    return Parsed{std::move(*params), std::move(*client)};
}

}  // namespace

Answer introspect(RequestContext& ctx, const HttpRequest& req) {
    auto server = server_for(ctx);
    if (!server) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    auto p = parse(ctx, req);
    if (!p) return std::move(p.error());
    const std::string token = form_value(p->params, "token");
    if (auto claims = verified_claims(ctx.app, ctx.base_url, token)) {
        if (claims->string_at("cid") != p->client.id || claims->string_at("iss") != server->issuer)
            return no_store_json(200, inactive());
        auto live = still_active(ctx.app, *claims);
        if (!live) return std::unexpected(live.error());
        if (!*live) return no_store_json(200, inactive());
        Json out = Json::object();
        out.set("active", true);
        Json scp = claims->find("scp") ? *claims->find("scp") : Json::array();
        std::vector<std::string> scopes;
        if (scp.is_array())
            for (const auto& s : scp.as_array())
                if (s.is_string()) scopes.push_back(s.as_string());
        out.set("scope", join_scopes(scopes));
        out.set("username", claims->string_at("sub"));
        for (const char* k : {"exp", "iat", "sub", "aud", "iss", "jti"})
            if (const Json* v = claims->find(k)) out.set(k, *v);
        out.set("token_type", "Bearer");
        out.set("client_id", claims->string_at("cid"));
        if (const Json* uid = claims->find("uid")) out.set("uid", *uid);
        return no_store_json(200, out);
    }
    auto refresh = refresh_document(ctx, p->client, token);
    if (!refresh) return std::unexpected(refresh.error());
    if (!*refresh) return no_store_json(200, inactive());
    const Json& s = (*refresh)->state;
    const Json* exp = s.find("expiresAt");
    if (s.string_at("server") != server->key() || !exp || !exp->is_int() ||
        exp->as_int() <= ctx.app.clock.now_ms())
        return no_store_json(200, inactive());
    auto user = ctx.app.reader.user(s.string_at("userId"));
    if (!user) return std::unexpected(store_failure(user.error()));
    if (!*user || (*user)->user.status != domain::UserStatus::Active)
        return no_store_json(200, inactive());
    Json out = Json::object();
    out.set("active", true);
    std::vector<std::string> scopes;
    if (const Json* sc = s.find("scopes"); sc && sc->is_array())
        for (const auto& x : sc->as_array()) scopes.push_back(x.as_string());
    out.set("scope", join_scopes(scopes));
    out.set("username", (*user)->user.profile.string_at("login"));
    out.set("exp", exp->as_int() / 1000);
    if (const Json* c = s.find("created"); c && c->is_int()) out.set("iat", c->as_int() / 1000);
    out.set("sub", (*user)->user.profile.string_at("login"));
    out.set("iss", server->issuer);
    out.set("jti", (*refresh)->id);
    out.set("token_type", "refresh_token");
    out.set("client_id", p->client.id);
    out.set("uid", s.string_at("userId"));
    return no_store_json(200, out);
}

Answer revoke(RequestContext& ctx, const HttpRequest& req) {
    auto server = server_for(ctx);
    if (!server) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    auto p = parse(ctx, req);
    if (!p) return std::move(p.error());
    const std::string token = form_value(p->params, "token");
    HttpResponse ok;
    ok.status = 200;
    ok.json = false;
    ok.add_header("Cache-Control", "no-store");
    if (auto claims = verified_claims(ctx.app, ctx.base_url, token)) {
        if (claims->string_at("cid") != p->client.id) return ok;
        const std::string jti = claims->string_at("jti");
        auto r = create_document(
            ctx, domain::kRevokedAccessTokens,
            [&](const std::string& id,
                eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
                if (unique_lookup(tx, domain::kRevokedAccessTokens)("jti", jti))
                    return domain::fail(domain::ErrorCode::InvalidRequest);  // already revoked
                Json d = Json::object();
                d.set("id", id);
                d.set("jti", jti);
                d.set("clientId", p->client.id);
                d.set("userId", claims->string_at("uid"));
                d.set("expiresAt", claims->find("exp")->as_int() * 1000);
                return domain::decide_issue(domain::oauth_event::kAccessRevoked, std::move(d));
            });
        if (!r && r.error().code != domain::ErrorCode::InvalidRequest)
            return std::unexpected(r.error());
        return ok;
    }
    auto refresh = refresh_document(ctx, p->client, token);
    if (!refresh) return std::unexpected(refresh.error());
    if (!*refresh) return ok;
    auto r = delete_document(
        ctx, domain::kOAuthRefreshTokens, (*refresh)->id,
        [](const projections::Document&,
           eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_end(domain::oauth_event::kRefreshRevoked, "CLIENT");
        });
    if (!r && r.error().code != domain::ErrorCode::NotFound) return std::unexpected(r.error());
    return ok;
}

}  // namespace idledger::api::oauth
