#pragma once
// Admin roles (okta-api-notes §4.10): a user's and a group's role assignments, and custom roles
// (/api/v1/iam/roles). What each role permits is domain/roles.hpp; the dispatcher enforces it.

#include <vector>

#include "core/context.hpp"
#include "idledger/domain/roles.hpp"

namespace idledger::api::roles {

std::vector<Route> routes();
std::vector<Route> user_role_routes();
std::vector<Route> group_role_routes();
std::vector<Route> custom_role_routes();

/// Okta's role assignment JSON: `assignee_kind` "USER" or "GROUP", `assignee` its id. A CUSTOM
/// assignment shows its role's label (read).
domain::Json render_assignment(RequestContext& ctx, const domain::RoleAssignment& a,
                               std::string_view assignee_kind, const std::string& assignee);

/// The assignment `id` among `held`, or 404 E0000007 (RoleAssignment).
domain::Result<domain::RoleAssignment> find_assignment(
    const std::vector<domain::RoleAssignment>& held, const std::string& id);

/// A role assignment body parsed, with a CUSTOM role's existence checked on the writer (404
/// E0000007 (Role) otherwise) and a duplicate of `held` refused (409 E0000090).
domain::Result<domain::RoleRequest> checked_request(
    eventstore::Transaction& tx, const domain::Json& body,
    const std::vector<domain::RoleAssignment>& held);

/// An assignment a user holds, and the group it holds it through ("" when its own).
struct HeldAssignment {
    domain::RoleAssignment assignment;
    std::string group;
};
/// The assignments `user` holds: its own, then those of the groups holding roles it is a member
/// of (committed reads).
domain::Result<std::vector<HeldAssignment>> held_assignments(App& app, const domain::User& user);

/// Every user holding a role, directly or through a group: the assignees a notification may
/// reach (direct holders through `tx`, group members as committed).
domain::Result<std::vector<std::string>> admins(App& app, eventstore::Transaction& tx);

}  // namespace idledger::api::roles
