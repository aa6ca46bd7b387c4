#pragma once
// API tokens (SSWS): stored only as a SHA-256 digest; act as their user.

#include <optional>
#include <string>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/json.hpp"
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

Event token_created_event(const ApiToken& token);
Event token_revoked_event();
/// nullopt when the event deletes the token.
std::optional<ApiToken> evolve_token(std::optional<ApiToken> token, const Event& e, Millis at);

}  // namespace idledger::domain
