#pragma once
// API tokens (SSWS): stored only as a SHA-256 digest; act as their user. A resource of the kit:
// its documents are the token states below.

#include <optional>
#include <string>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::domain {

struct ApiToken {
    std::string id;
    std::string name;
    std::string user_id;
    std::string client_name = "Okta API";
    std::string digest;  // token_digest(value)
    Millis created = 0;
    Millis last_updated = 0;

    Json to_state_json() const;
    static std::optional<ApiToken> from_state_json(const Json& j);
};

namespace token_event {
inline constexpr std::string_view kCreated = "ApiTokenCreated";
inline constexpr std::string_view kRevoked = "ApiTokenRevoked";
}  // namespace token_event

/// The kind: stream "apitoken-<id>", unique index "digest", group index "user".
extern const ResourceKind kApiTokens;

/// Issuing `token` (id, name, user, digest set by the caller).
std::vector<Event> decide_token_create(const ApiToken& token);
/// Revoking the token `state`; `owner`, when not empty, must own it (else NotFound).
Result<std::vector<Event>> decide_token_revoke(const std::optional<Json>& state,
                                               std::string_view id, std::string_view owner = {},
                                               std::string_view reason = {});

}  // namespace idledger::domain
