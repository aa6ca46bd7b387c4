// POST /oauth2[/{authServerId}]/v1/token: authorization_code (with PKCE), refresh_token (rotated
// on every use; presenting the value it replaced revokes the token), password and
// client_credentials.

#include "authn/authn.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/password_hash.hpp"
#include "oauth/endpoints.hpp"
#include "oauth/server.hpp"

namespace idledger::api::oauth {

using domain::Json;
using R = domain::Result<HttpResponse>;
using Params = std::vector<std::pair<std::string, std::string>>;

namespace {

HttpResponse invalid_grant(std::string_view why) { return oauth_error(400, "invalid_grant", why); }

std::vector<std::string> scopes_of(const Json& doc) {
    std::vector<std::string> out;
    if (const Json* s = doc.find("scopes"); s && s->is_array())
        for (const auto& x : s->as_array())
            if (x.is_string()) out.push_back(x.as_string());
    return out;
}

/// The token response for `issue`: an access token, an ID token when openid was granted to a
/// user, and `refresh` when one was issued.
R respond(RequestContext& ctx, const AuthServer& server, const Issue& issue,
          const std::string& refresh) {
    auto access = mint_access_token(ctx, server, issue);
    if (!access) return std::unexpected(access.error());
    Json out = Json::object();
    out.set("token_type", "Bearer");
    out.set("expires_in", ctx.app.config.access_token_ttl_ms / 1000);
    out.set("access_token", *access);
    out.set("scope", join_scopes(issue.scopes));
    if (!refresh.empty()) out.set("refresh_token", refresh);
    if (!issue.user_id.empty() && has_scope(issue.scopes, "openid")) {
        auto id_token = mint_id_token(ctx, server, issue, *access);
        if (!id_token) return std::unexpected(id_token.error());
        out.set("id_token", *id_token);
    }
    return no_store_json(200, out);
}

/// A refresh token when the user asked for offline_access and the client may refresh.
domain::Result<std::string> maybe_refresh(RequestContext& ctx, const AuthServer& server,
                                          const Client& client, Issue& issue) {
    if (!has_scope(issue.scopes, "offline_access") || !client.allows_grant("refresh_token"))
        return std::string();
    return issue_refresh_token(ctx, server, issue);
}

R by_code(RequestContext& ctx, const AuthServer& server, const Client& client,
          const Params& params) {
    const std::string code = form_value(params, "code");
    auto parts = domain::split_secret_value(code, domain::kOAuthCodes.id_prefix);
    if (!parts) return invalid_grant("The authorization code is invalid or has expired.");
    std::optional<HttpResponse> refused;
    Json redeemed;
    auto r = delete_document(
        ctx, domain::kOAuthCodes, parts->id,
        [&](const projections::Document& d,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            const Json& s = d.state;
            const Json* exp = s.find("expiresAt");
            if (s.string_at("digest") != domain::token_digest(parts->value) ||
                s.string_at("clientId") != client.id || s.string_at("server") != server.key() ||
                !exp || !exp->is_int() || exp->as_int() <= tx.now_ms()) {
                refused = invalid_grant("The authorization code is invalid or has expired.");
                return domain::fail(domain::ErrorCode::InvalidRequest);
            }
            if (s.string_at("redirectUri") != form_value(params, "redirect_uri")) {
                // The client's own code presented wrongly is spent: no second try.
                refused = invalid_grant(
                    "The 'redirect_uri' does not match the redirection URI used in the "
                    "authorization request.");
                return domain::decide_end(domain::oauth_event::kCodeRedeemed, "REFUSED");
            }
            const std::string challenge = s.string_at("codeChallenge");
            if (!challenge.empty() &&
                !domain::pkce_matches(form_value(params, "code_verifier"), challenge,
                                      s.string_at("codeChallengeMethod"))) {
                refused = invalid_grant("PKCE verification failed.");
                return domain::decide_end(domain::oauth_event::kCodeRedeemed, "REFUSED");
            }
            redeemed = s;
            return domain::decide_end(domain::oauth_event::kCodeRedeemed, {});
        });
    if (refused) return std::move(*refused);
    if (!r) {
        if (r.error().code == domain::ErrorCode::NotFound)
            return invalid_grant("The authorization code is invalid or has expired.");
        return std::unexpected(r.error());
    }
    Issue issue{client.id,
                redeemed.string_at("userId"),
                scopes_of(redeemed),
                redeemed.string_at("nonce"),
                0,
                {}};
    if (const Json* t = redeemed.find("authTime"); t && t->is_int()) issue.auth_time = t->as_int();
    auto refresh = maybe_refresh(ctx, server, client, issue);
    if (!refresh) return std::unexpected(refresh.error());
    return respond(ctx, server, issue, *refresh);
}

R by_refresh_token(RequestContext& ctx, const AuthServer& server, const Client& client,
                   const Params& params) {
    const std::string value = form_value(params, "refresh_token");
    auto parts = domain::split_secret_value(value, domain::kOAuthRefreshTokens.id_prefix);
    if (!parts) return invalid_grant("The refresh token is invalid or expired.");
    const std::string digest = domain::token_digest(parts->value);
    const std::string next = parts->id + domain::random_base62(43);
    std::optional<HttpResponse> refused;
    Json current;
    auto rotated = change_document(
        ctx, domain::kOAuthRefreshTokens, parts->id,
        [&](const projections::Document& d,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            const Json& s = d.state;
            const Json* exp = s.find("expiresAt");
            if (s.string_at("clientId") != client.id || s.string_at("server") != server.key()) {
                refused = invalid_grant("The refresh token is invalid or expired.");
                return domain::fail(domain::ErrorCode::InvalidRequest);
            }
            if (s.string_at("digest") != digest) {
                // Only the value this token replaced proves a copy is in other hands: then the
                // token is revoked. A guess changes nothing.
                refused = invalid_grant("The refresh token is invalid or expired.");
                if (s.string_at("previousDigest") != digest)
                    return domain::fail(domain::ErrorCode::InvalidRequest);
                return domain::decide_end(domain::oauth_event::kRefreshRevoked, "REUSED");
            }
            if (!exp || !exp->is_int() || exp->as_int() <= tx.now_ms()) {
                refused = invalid_grant("The refresh token is invalid or expired.");
                return domain::fail(domain::ErrorCode::InvalidRequest);
            }
            current = s;
            Json data = Json::object();
            data.set("digest", domain::token_digest(next));
            data.set("previousDigest", digest);
            return std::vector<domain::Event>{
                domain::make_event(domain::oauth_event::kRefreshRotated, std::move(data))};
        });
    if (refused) return std::move(*refused);
    if (!rotated) {
        if (rotated.error().code == domain::ErrorCode::NotFound)
            return invalid_grant("The refresh token is invalid or expired.");
        return std::unexpected(rotated.error());
    }
    Issue issue{client.id, current.string_at("userId"), scopes_of(current), {}, 0, parts->id};
    if (const Json* t = current.find("authTime"); t && t->is_int()) issue.auth_time = t->as_int();
    auto user = ctx.app.reader.user(issue.user_id);
    if (!user) return std::unexpected(store_failure(user.error()));
    if (!*user || (*user)->user.status != domain::UserStatus::Active)
        return invalid_grant("The refresh token is invalid or expired.");
    if (const std::string asked = form_value(params, "scope"); !asked.empty()) {
        std::vector<std::string> narrowed = split_scopes(asked);
        for (const auto& s : narrowed)
            if (!has_scope(issue.scopes, s))
                return oauth_error(400, "invalid_scope",
                                   "The requested scope is invalid, unknown, or malformed: " + s);
        issue.scopes = std::move(narrowed);
    }
    return respond(ctx, server, issue, next);
}

R by_password(RequestContext& ctx, const AuthServer& server, const Client& client,
              const Params& params) {
    const std::vector<std::string> scopes = split_scopes(form_value(params, "scope"));
    if (scopes.empty())
        return oauth_error(400, "invalid_scope", "The 'scope' parameter is required.");
    if (const std::string bad = unknown_scope(server, scopes); !bad.empty())
        return oauth_error(400, "invalid_scope",
                           "One or more scopes are not configured for the authorization server "
                           "resource: " +
                               bad);
    const std::string username = form_value(params, "username");
    const std::string password = form_value(params, "password");
    if (username.empty() || password.empty())
        return invalid_grant("The credentials provided were invalid.");
    auto signed_in = authn::sign_in_with_password(ctx, username, password);
    if (!signed_in) return std::unexpected(signed_in.error());
    if (signed_in->blocked)
        return oauth_error(403, "access_denied", "The request came from a suspicious address.");
    if (signed_in->outcome != domain::SignInOutcome::Success || !signed_in->row)
        return invalid_grant("The credentials provided were invalid.");
    const std::string uid = signed_in->row->user.id;
    auto ok = assigned(ctx, client.id, uid);
    if (!ok) return std::unexpected(ok.error());
    if (!*ok) return invalid_grant("User is not assigned to the client application.");
    Issue issue{client.id, uid, scopes, {}, ctx.app.clock.now_ms(), {}};
    auto refresh = maybe_refresh(ctx, server, client, issue);
    if (!refresh) return std::unexpected(refresh.error());
    return respond(ctx, server, issue, *refresh);
}

R by_client_credentials(RequestContext& ctx, const AuthServer& server, const Client& client,
                        const Params& params) {
    if (!client.confidential)
        return oauth_error(400, "unauthorized_client",
                           "The client_credentials grant needs a confidential client.");
    const std::vector<std::string> scopes = split_scopes(form_value(params, "scope"));
    if (scopes.empty())
        return oauth_error(400, "invalid_scope",
                           "The authorization server resource does not have any configured "
                           "default scopes, 'scope' must be provided.");
    for (const auto& s : scopes)
        if (const auto* info = domain::find_scope(s, server.org()); info && info->name != "okta.*")
            return oauth_error(
                400, "invalid_scope",
                "The following scopes are not allowed with client_credentials: " + s);
    if (const std::string bad = unknown_scope(server, scopes); !bad.empty())
        return oauth_error(400, "invalid_scope",
                           "One or more scopes are not configured for the authorization server "
                           "resource: " +
                               bad);
    Issue issue{client.id, {}, scopes, {}, 0, {}};
    return respond(ctx, server, issue, {});
}

}  // namespace

R token(RequestContext& ctx, const HttpRequest& req) {
    auto server = server_for(ctx);
    if (!server) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    auto params = form_params(req);
    if (!params)
        return oauth_error(400, "invalid_request",
                           "The request body must be application/x-www-form-urlencoded.");
    auto client = authenticate_client(ctx, req, *params);
    if (!client) return std::move(client.error());
    const std::string grant_type = form_value(*params, "grant_type");
    if (grant_type.empty())
        return oauth_error(400, "invalid_request", "The 'grant_type' parameter is required.");
    static constexpr std::string_view kKnown[] = {"authorization_code", "refresh_token", "password",
                                                  "client_credentials"};
    if (std::find(std::begin(kKnown), std::end(kKnown), grant_type) == std::end(kKnown))
        return oauth_error(400, "unsupported_grant_type",
                           "The authorization grant type is not supported by the authorization "
                           "server: " +
                               grant_type);
    if (!client->allows_grant(grant_type))
        return oauth_error(
            400, "unauthorized_client",
            "The client is not authorized to use the provided grant type: " + grant_type);
    if (grant_type == "authorization_code") return by_code(ctx, *server, *client, *params);
    if (grant_type == "refresh_token") return by_refresh_token(ctx, *server, *client, *params);
    if (grant_type == "password") return by_password(ctx, *server, *client, *params);
    return by_client_credentials(ctx, *server, *client, *params);
}

}  // namespace idledger::api::oauth
