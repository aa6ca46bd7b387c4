#pragma once
// Admin roles (okta-api-notes §4.10) and what they permit. A role assignment lives on its
// assignee's stream: a user's on the user's (UserRoleGranted/UserRoleRevoked), a group's on the
// group's (GroupRoleGranted/GroupRoleRevoked, held by every member). A custom role
// (/api/v1/iam/roles) is a kit resource naming Okta permissions; a CUSTOM assignment names it.
//
// Permissions are Okta's names ("okta.users.read"). A grant "X.manage" includes every permission
// under "X." ("okta.users.manage" includes "okta.users.read" and
// "okta.users.lifecycle.unlock"); "*" (SUPER_ADMIN) includes everything.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idledger/domain/error.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/domain/role_assignment.hpp"

namespace idledger::domain {

/// A standard role type and its label; nullopt for anything else (CUSTOM is not standard).
std::optional<std::string_view> role_label(std::string_view type);
/// Every standard role type, in Okta's order.
std::span<const std::string_view> standard_role_types();
/// `API_ADMIN` is Okta's older name of API_ACCESS_MANAGEMENT_ADMIN; other types stay.
std::string_view canonical_role_type(std::string_view type);

/// What a standard role type grants ("*" for SUPER_ADMIN).
std::span<const std::string_view> role_grants(std::string_view type);
/// Whether a custom role may name `permission` (Okta's catalogue of custom-role permissions).
bool custom_permission_known(std::string_view permission);
/// Whether `grants` include `permission`.
bool grants_permission(std::span<const std::string> grants, std::string_view permission);

/// A role assignment body (`{"type": …}` or `{"type":"CUSTOM","role": "cr0…",
/// "resource-set": "…"}`), validated: a missing or unknown type is 400 E0000003 (Okta reads it as
/// an enum); a CUSTOM without `role`, 400 E0000001. Whether the custom role exists is the
/// caller's question.
struct RoleRequest {
    std::string type;
    std::string role;
    std::string resource_set;
};
Result<RoleRequest> parse_role_request(const Json& body);

/// Whether `held` already holds what `req` asks (409 E0000090 otherwise).
bool holds_assignment(std::span<const RoleAssignment> held, const RoleRequest& req);

/// The data of a granting event, and of the event revoking `a`.
Json grant_data(const std::string& id, const RoleRequest& req, const std::string& actor);
Json revoke_data(const RoleAssignment& a, const std::string& actor);
/// Folds a granting (true) or revoking event into `held`; false when `e` is neither.
bool apply_role_event(std::vector<RoleAssignment>& held, std::string_view granted,
                      std::string_view revoked, const Event& e, Millis at,
                      std::string_view assignee);

// ---- custom roles --------------------------------------------------------------------------

namespace custom_role_event {
inline constexpr std::string_view kCreated = "CustomRoleCreated";
inline constexpr std::string_view kUpdated = "CustomRoleUpdated";
inline constexpr std::string_view kDeleted = "CustomRoleDeleted";
}  // namespace custom_role_event

/// Custom roles: unique index "label" (case-folded).
extern const ResourceKind kCustomRoles;

/// `{label, description, permissions}` (all three required; permissions non-empty, each known):
/// 400 E0000001 with a cause per field. `owner_of` finds who holds a label; `self` is the id
/// being replaced.
Result<Json> custom_role_content(const Json& body, const UniqueLookup& owner_of,
                                 std::string_view self = {});

}  // namespace idledger::domain
