#include "idledger/domain/oauth.hpp"

#include <array>
#include <cctype>

#include "idledger/domain/jwt.hpp"

namespace idledger::domain {

namespace {

/// Issued: the data is the document (its id included); an update merges its members; the end
/// removes the document.
struct Lifecycle {
    std::string_view issued;
    std::string_view updated;
    std::string_view ended;
};

void fold(std::optional<Json>& state, const Event& e, Millis at, const Lifecycle& l) {
    if (e.type == l.issued) {
        state = e.data;
        stamp(*state, at, true);
    } else if (!l.updated.empty() && e.type == l.updated && state) {
        for (const auto& [k, v] : e.data.as_object()) state->set(k, v);
        stamp(*state, at, false);
    } else if (e.type == l.ended) {
        state.reset();
    }
}

std::vector<IndexKey> user_client_groups(const Json& s) {
    const std::string uid = s.string_at("userId");
    const std::string cid = s.string_at("clientId");
    return {{"user", uid}, {"client", cid}, {"user_client", user_client_key(uid, cid)}};
}

// Authorization codes.
constexpr EventType kCodeEvents[] = {
    {oauth_event::kCodeIssued, "app.oauth2.as.authorize.code", "OAuth2 authorization code issued"},
    {oauth_event::kCodeRedeemed, "app.oauth2.as.token.grant", "OAuth2 authorization code redeemed"},
};
void evolve_code(std::optional<Json>& s, const Event& e, Millis at) {
    fold(s, e, at, {oauth_event::kCodeIssued, {}, oauth_event::kCodeRedeemed});
}

// Refresh tokens.
constexpr EventType kRefreshEvents[] = {
    {oauth_event::kRefreshIssued, "app.oauth2.as.token.grant.refresh_token",
     "OAuth2 refresh token granted"},
    {oauth_event::kRefreshRotated, "app.oauth2.as.token.grant.refresh_token",
     "OAuth2 refresh token rotated"},
    {oauth_event::kRefreshRevoked, "app.oauth2.as.token.revoke", "OAuth2 token revoked"},
};
void evolve_refresh(std::optional<Json>& s, const Event& e, Millis at) {
    fold(s, e, at,
         {oauth_event::kRefreshIssued, oauth_event::kRefreshRotated, oauth_event::kRefreshRevoked});
}

// Consent grants.
constexpr EventType kGrantEvents[] = {
    {oauth_event::kConsentGranted, "app.oauth2.as.consent.grant", "User granted consent"},
    {oauth_event::kConsentRevoked, "app.oauth2.as.consent.revoke", "Consent revoked"},
};
void evolve_grant(std::optional<Json>& s, const Event& e, Millis at) {
    fold(s, e, at, {oauth_event::kConsentGranted, {}, oauth_event::kConsentRevoked});
}
std::vector<IndexKey> grant_unique(const Json& s) {
    return {{"consent", consent_key(s.string_at("server"), s.string_at("userId"),
                                    s.string_at("clientId"), s.string_at("scope"))}};
}

// Sessions.
constexpr EventType kSessionEvents[] = {
    {oauth_event::kSessionStarted, "user.session.start", "User login to Okta"},
    {oauth_event::kSessionRefreshed, "user.session.refresh", "Refresh user session"},
    {oauth_event::kSessionEnded, "user.session.end", "User logout from Okta"},
};
// An ended session stays (status ENDED) so the session token it was made from stays spent; it
// leaves its user's group.
void evolve_session(std::optional<Json>& s, const Event& e, Millis at) {
    if (e.type == oauth_event::kSessionEnded && s) {
        s->set("status", "ENDED");
        stamp(*s, at, false);
        return;
    }
    fold(s, e, at, {oauth_event::kSessionStarted, oauth_event::kSessionRefreshed, {}});
}
std::vector<IndexKey> session_groups(const Json& s) {
    if (s.string_at("status") != "ACTIVE") return {};
    return {{"user", s.string_at("userId")}};
}
std::vector<IndexKey> session_unique(const Json& s) {
    const std::string spent = s.string_at("sessionTokenDigest");
    if (spent.empty()) return {};
    return {{"session_token", spent}};
}

// Revoked access tokens.
constexpr EventType kRevokedEvents[] = {
    {oauth_event::kAccessRevoked, "app.oauth2.as.token.revoke", "OAuth2 access token revoked"},
};
void evolve_revoked(std::optional<Json>& s, const Event& e, Millis at) {
    fold(s, e, at, {oauth_event::kAccessRevoked, {}, {}});
}
std::vector<IndexKey> revoked_unique(const Json& s) { return {{"jti", s.string_at("jti")}}; }

constexpr std::array<ScopeInfo, 6> kStandardScopes{{
    {"openid", "openid", "Signals that a request is an OpenID request.", false},
    {"profile", "profile",
     "Allows this application to access your profile information, such as your name.", true},
    {"email", "email", "Allows this application to access your email address.", true},
    {"address", "address", "Allows this application to access your address.", true},
    {"phone", "phone", "Allows this application to access your phone number.", true},
    {"offline_access", "offline_access",
     "Allows this application to keep you signed in and access your data while you are away.",
     true},
}};

}  // namespace

const ResourceKind kOAuthCodes{
    .name = "OAuth2AuthorizationCode",
    .stream_prefix = "oauthcode-",
    .family = "oauth_codes",
    .id_prefix = "oac",
    .schema_version = 2,  // group keys: one key per member
    .events = kCodeEvents,
    .evolve = evolve_code,
    .group_keys = user_client_groups,
    .log_target_type = "AppInstance",
    .log_name_field = "clientId",
};

const ResourceKind kOAuthRefreshTokens{
    .name = "OAuth2RefreshToken",
    .stream_prefix = "oauthrt-",
    .family = "oauth_refresh_tokens",
    .id_prefix = "oar",
    .schema_version = 2,  // group keys: one key per member
    .events = kRefreshEvents,
    .evolve = evolve_refresh,
    .group_keys = user_client_groups,
    .log_target_type = "AppInstance",
    .log_name_field = "clientId",
};

const ResourceKind kOAuthGrants{
    .name = "OAuth2ScopeConsentGrant",
    .stream_prefix = "oauthgrant-",
    .family = "oauth_grants",
    .id_prefix = "oag",
    .schema_version = 2,  // group keys: one key per member
    .events = kGrantEvents,
    .evolve = evolve_grant,
    .unique_keys = grant_unique,
    .group_keys = user_client_groups,
    .log_target_type = "AppInstance",
    .log_name_field = "clientId",
};

const ResourceKind kSessions{
    .name = "Session",
    .stream_prefix = "session-",
    .family = "sessions",
    .id_prefix = "102",
    .schema_version = 2,  // group keys: one key per member
    .events = kSessionEvents,
    .evolve = evolve_session,
    .unique_keys = session_unique,
    .group_keys = session_groups,
    .log_target_type = "User",
    .log_name_field = "login",
};

const ResourceKind kRevokedAccessTokens{
    .name = "OAuth2AccessToken",
    .stream_prefix = "oauthat-",
    .family = "oauth_revoked_access_tokens",
    .id_prefix = "oat",
    .events = kRevokedEvents,
    .evolve = evolve_revoked,
    .unique_keys = revoked_unique,
    .log_target_type = "AppInstance",
    .log_name_field = "clientId",
};

std::optional<SecretValue> split_secret_value(std::string_view value, std::string_view id_prefix) {
    if (value.size() <= kDocumentIdLength || !value.starts_with(id_prefix)) return std::nullopt;
    for (char c : value)
        if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    return SecretValue{std::string(value.substr(0, kDocumentIdLength)), std::string(value)};
}

std::vector<Event> decide_issue(std::string_view type, Json data) {
    return {make_event(type, std::move(data))};
}

std::vector<Event> decide_end(std::string_view type, std::string_view reason) {
    Json d = Json::object();
    if (!reason.empty()) d.set("reason", reason);
    return {make_event(type, std::move(d))};
}

std::string user_client_key(std::string_view user_id, std::string_view client_id) {
    return std::string(user_id) + "/" + std::string(client_id);
}

std::string consent_key(std::string_view server, std::string_view user_id,
                        std::string_view client_id, std::string_view scope) {
    return std::string(server) + "/" + std::string(user_id) + "/" + std::string(client_id) + "/" +
           std::string(scope);
}

bool pkce_matches(std::string_view verifier, std::string_view challenge, std::string_view method) {
    if (method != "S256" || verifier.size() < 43 || verifier.size() > 128) return false;
    for (char c : verifier)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
            c != '~')
            return false;
    return base64url(sha256(verifier)) == challenge;
}

const ScopeInfo* find_scope(std::string_view name, bool org_server) {
    for (const auto& s : kStandardScopes)
        if (s.name == name) return &s;
    if (!org_server || scope_permission(name).empty()) return nullptr;
    // The Management API's scopes: one shared entry describes them all.
    static const ScopeInfo kManagement{"okta.*", "Okta Management API",
                                       "Allows this application to act for you on the Okta API.",
                                       true};
    return &kManagement;
}

std::string scope_id(std::string_view server, std::string_view scope) {
    static constexpr std::string_view kBase62 =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const std::string d = sha256(std::string(server) + "\n" + std::string(scope));
    std::string id = "scp";
    for (size_t i = 0; i < 17; ++i) id.push_back(kBase62[static_cast<unsigned char>(d[i]) % 62]);
    return id;
}

std::string_view scope_permission(std::string_view scope) {
    // okta.<family>.(read|manage)[.self], the family letters only: checked on every Bearer
    // request, so without a regex.
    std::string_view rest = scope;
    if (!rest.starts_with("okta.")) return {};
    rest.remove_prefix(5);
    const size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string_view::npos) return {};
    for (char c : rest.substr(0, dot))
        if (!std::isalpha(static_cast<unsigned char>(c))) return {};
    rest.remove_prefix(dot + 1);
    if (rest.ends_with(".self")) rest.remove_suffix(5);
    return rest == "read" || rest == "manage" ? scope : std::string_view{};
}

}  // namespace idledger::domain
