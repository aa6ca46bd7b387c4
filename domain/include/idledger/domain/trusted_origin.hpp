#pragma once
// Trusted origins (/api/v1/trustedOrigins): okta-api-notes §8. A kit resource. Origins that are
// ACTIVE with a CORS scope are the only ones the API answers cross-origin requests for.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"
#include "idledger/domain/user_query.hpp"

namespace idledger::domain {

namespace trusted_origin_event {
inline constexpr std::string_view kCreated = "TrustedOriginCreated";
inline constexpr std::string_view kUpdated = "TrustedOriginUpdated";
inline constexpr std::string_view kActivated = "TrustedOriginActivated";
inline constexpr std::string_view kDeactivated = "TrustedOriginDeactivated";
inline constexpr std::string_view kDeleted = "TrustedOriginDeleted";
}  // namespace trusted_origin_event

/// Unique indexes: "name" (as given) and "origin" (normalized_origin).
extern const ResourceKind kTrustedOrigins;

/// `scheme://host[:port]` with scheme and host lower-cased, the scheme's default port and a
/// trailing '/' dropped — the form a browser sends in its Origin header. nullopt when `origin`
/// is not a valid origin (allowed schemes: http, https, ftp, ionic, capacitor).
std::optional<std::string> normalized_origin(std::string_view origin);

/// The writable content of a body (name, origin, scopes), validated; read-only fields a client
/// sends back are ignored. `owner_of` finds who holds a name or an origin; `self` is the id being
/// replaced (it may keep its own). Scope types other than CORS, REDIRECT and IFRAME_EMBED are
/// 400 E0000003; everything else 400 E0000001 with a cause per field.
Result<Json> trusted_origin_content(const Json& body, const UniqueLookup& owner_of,
                                    std::string_view self = {});

std::vector<Event> decide_trusted_origin_create(const std::string& id, const Json& content,
                                                const std::string& actor);
std::vector<Event> decide_trusted_origin_update(const Json& current, const Json& content,
                                                const std::string& actor);
/// Activate (`active`) or deactivate; no event when already so.
std::vector<Event> decide_trusted_origin_status(const Json& current, bool active,
                                                const std::string& actor);
std::vector<Event> decide_trusted_origin_delete();

/// Whether the state lets browsers from its origin call the API (ACTIVE, with a CORS scope).
bool allows_cors(const Json& state);

/// Parses a list `filter`: `name`, `origin`, `status`, `type` (a scope type) with eq, sw and co,
/// joined by and/or, with parentheses. 400 E0000031 otherwise.
Result<QueryNode> parse_trusted_origin_filter(std::string_view text);
/// The document the filter and `q` are evaluated against.
Json trusted_origin_query_view(const Json& state);

}  // namespace idledger::domain
