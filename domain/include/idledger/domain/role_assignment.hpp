#pragma once
// A role assignment as its holder's state keeps it (the user's, or the group's document), and
// the events that grant and revoke one. Roles and what they permit: roles.hpp.

#include <optional>
#include <string>
#include <string_view>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/json.hpp"

namespace idledger::domain {

/// One assignment of a role to a user or a group.
struct RoleAssignment {
    std::string id;    // "ra1…"
    std::string type;  // SUPER_ADMIN, …, CUSTOM
    std::string role;  // the custom role's id (CUSTOM only)
    std::string resource_set;
    Millis created = 0;
    Millis last_updated = 0;

    Json to_json() const;
    static std::optional<RoleAssignment> from_json(const Json& j);
};

/// The events granting and revoking on a user's stream and on a group's.
namespace role_event {
inline constexpr std::string_view kUserGranted = "UserRoleGranted";
inline constexpr std::string_view kUserRevoked = "UserRoleRevoked";
inline constexpr std::string_view kGroupGranted = "GroupRoleGranted";
inline constexpr std::string_view kGroupRevoked = "GroupRoleRevoked";
}  // namespace role_event

}  // namespace idledger::domain
