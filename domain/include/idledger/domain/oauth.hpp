#pragma once
// What the OAuth 2.0 / OpenID Connect authorization server remembers, as kit resources. Clear
// values (codes, refresh tokens, session cookies) never reach an event: each is "<id><secret>"
// and only the digest of the whole value is stored, so a value is found by its id and then
// checked against the digest.
//
//   kOAuthCodes          authorization codes: issued, then redeemed once (the document ends)
//   kOAuthRefreshTokens  refresh tokens: issued, rotated on each use, revoked
//   kOAuthGrants         consent grants, one per (server, user, client, scope)
//   kSessions            sign-in sessions (the `sid` cookie)
//   kRevokedAccessTokens access tokens revoked before their expiry (by jti)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace oauth_event {
inline constexpr std::string_view kCodeIssued = "OAuthCodeIssued";
inline constexpr std::string_view kCodeRedeemed = "OAuthCodeRedeemed";
inline constexpr std::string_view kRefreshIssued = "OAuthRefreshTokenIssued";
inline constexpr std::string_view kRefreshRotated = "OAuthRefreshTokenRotated";
inline constexpr std::string_view kRefreshRevoked = "OAuthRefreshTokenRevoked";
inline constexpr std::string_view kConsentGranted = "OAuthConsentGranted";
inline constexpr std::string_view kConsentRevoked = "OAuthConsentRevoked";
inline constexpr std::string_view kSessionStarted = "SessionStarted";
inline constexpr std::string_view kSessionRefreshed = "SessionRefreshed";
inline constexpr std::string_view kSessionEnded = "SessionEnded";
inline constexpr std::string_view kAccessRevoked = "OAuthAccessTokenRevoked";
}  // namespace oauth_event

extern const ResourceKind kOAuthCodes;
extern const ResourceKind kOAuthRefreshTokens;
extern const ResourceKind kOAuthGrants;
extern const ResourceKind kSessions;
extern const ResourceKind kRevokedAccessTokens;

/// Length of every kit id ("oar" + 17 characters): a clear value starts with its document's id.
inline constexpr size_t kDocumentIdLength = 20;

/// A clear value "<id><secret>" split: nullopt when it cannot be one.
struct SecretValue {
    std::string id;
    std::string value;
};
std::optional<SecretValue> split_secret_value(std::string_view value, std::string_view id_prefix);

/// The events that create a document with `data` (its id included) and end it.
std::vector<Event> decide_issue(std::string_view type, Json data);
std::vector<Event> decide_end(std::string_view type, std::string_view reason);

/// The group keys documents of the user-and-client resources share: ("user", uid),
/// ("client", cid) and ("user_client", uid + "/" + cid).
std::string user_client_key(std::string_view user_id, std::string_view client_id);

/// The one consent grant per (server, user, client, scope): its unique key's value.
std::string consent_key(std::string_view server, std::string_view user_id,
                        std::string_view client_id, std::string_view scope);

/// PKCE (RFC 7636): whether `verifier` answers `challenge` by `method` (S256 only; the verifier
/// 43–128 unreserved characters).
bool pkce_matches(std::string_view verifier, std::string_view challenge, std::string_view method);

/// A scope the server knows: Okta's standard OIDC scopes, offline_access, and the Management
/// API's okta.* scopes (org server only).
struct ScopeInfo {
    std::string_view name;
    std::string_view display_name;
    std::string_view description;
    bool consent;  // whether it needs the user's consent when the client requires it
};
const ScopeInfo* find_scope(std::string_view name, bool org_server);
/// A stable id for a scope on a server ("scp" + 17 characters).
std::string scope_id(std::string_view server, std::string_view scope);
/// The Management API permission an okta.* scope allows ("okta.users.read" -> itself;
/// "okta.users.manage" -> every okta.users.* permission), or "" for other scopes.
std::string_view scope_permission(std::string_view scope);

}  // namespace idledger::domain
