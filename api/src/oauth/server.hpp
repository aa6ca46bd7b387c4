#pragma once
// What the authorization server's endpoints share: which server a path names, OAuth's error
// answers, form bodies, client authentication, and the tokens it mints and checks.
//
// Two servers: the org server (/oauth2/v1/..., issuer = the org URL, the only one whose access
// tokens the Management API accepts, okta.* scopes) and the `default` custom server
// (/oauth2/default/v1/..., issuer = org URL + /oauth2/default, audience api://default).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/projections/documents.hpp"

namespace idledger::api::oauth {

struct AuthServer {
    std::string id;  // "" for the org server, "default"
    std::string issuer;
    std::string audience;
    bool org() const { return id.empty(); }
    /// The id its documents are kept under ("org" for the org server).
    std::string key() const { return org() ? "org" : id; }
    /// The server's endpoint prefix: issuer + "/oauth2/v1" (org) or issuer + "/v1".
    std::string endpoint(std::string_view name) const;
};

/// The server the route names (its {authServerId}; none: the org server), or nullopt when no
/// such server exists.
std::optional<AuthServer> server_for(const RequestContext& ctx);
/// The server whose issuer `iss` is, as reached through `base_url`.
std::optional<AuthServer> server_by_issuer(const App& app, const std::string& base_url,
                                           std::string_view iss);

/// OAuth's error answer: {"error", "error_description"}, no-store.
HttpResponse oauth_error(int status, std::string_view error, std::string_view description);
/// A JSON answer with Cache-Control: no-store (RFC 6749 §5.1).
HttpResponse no_store_json(int status, const domain::Json& body);

/// The parameters of an application/x-www-form-urlencoded body (nullopt: not such a body).
std::optional<std::vector<std::pair<std::string, std::string>>> form_params(const HttpRequest& req);
/// The value of `name` in `params` ("" when absent).
std::string form_value(const std::vector<std::pair<std::string, std::string>>& params,
                       std::string_view name);

/// An OIDC application that authenticated at the token, introspection or revocation endpoint
/// (client_secret_basic, client_secret_post, or none for public clients).
struct Client {
    std::string id;
    projections::Document app;
    bool confidential = false;
    bool allows_grant(std::string_view grant_type) const;
    std::string name() const;
};
/// The authenticated client, or the answer refusing it (401 invalid_client).
std::expected<Client, HttpResponse> authenticate_client(
    RequestContext& ctx, const HttpRequest& req,
    const std::vector<std::pair<std::string, std::string>>& params);
/// The ACTIVE OIDC application `client_id`, if there is one.
domain::Result<std::optional<projections::Document>> find_client(App& app,
                                                                 std::string_view client_id);

/// Whether `user_id` may use the application: assigned directly or through one of its groups.
domain::Result<bool> assigned(RequestContext& ctx, std::string_view app_id,
                              std::string_view user_id);

/// Space-separated scopes, in order, without repeats.
std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);
bool has_scope(const std::vector<std::string>& scopes, std::string_view s);
/// The first scope `server` does not know, or "" when all are known.
std::string unknown_scope(const AuthServer& server, const std::vector<std::string>& scopes);

/// What one token response carries.
struct Issue {
    std::string client_id;
    std::string user_id;  // "" for client_credentials
    std::vector<std::string> scopes;
    std::string nonce;
    domain::Millis auth_time = 0;
    std::string refresh_id;  // the refresh token minted with it ("": none)
};
/// Signed access token (Okta's claims: ver, jti, iss, aud, iat, exp, cid, uid, scp, sub).
domain::Result<std::string> mint_access_token(RequestContext& ctx, const AuthServer& server,
                                              const Issue& issue);
/// Signed ID token for `issue` (its user), with at_hash of `access_token`.
domain::Result<std::string> mint_id_token(RequestContext& ctx, const AuthServer& server,
                                          const Issue& issue, std::string_view access_token);

/// An access token's claims after its signature, issuer and expiry checked (nullopt: not one of
/// ours, altered, or expired).
std::optional<domain::Json> verified_claims(App& app, const std::string& base_url,
                                            std::string_view token);
/// Whether verified `claims` still stand: not revoked, their refresh token (if any) not revoked,
/// their user still ACTIVE.
domain::Result<bool> still_active(App& app, const domain::Json& claims);

/// Issues a refresh token for `issue` in a fresh document: its clear value.
domain::Result<std::string> issue_refresh_token(RequestContext& ctx, const AuthServer& server,
                                                Issue& issue);

/// The user's claims for `scopes` (userinfo and ID tokens): sub, and profile/email/... members.
domain::Result<domain::Json> user_claims(RequestContext& ctx, std::string_view user_id,
                                         const std::vector<std::string>& scopes);

}  // namespace idledger::api::oauth
