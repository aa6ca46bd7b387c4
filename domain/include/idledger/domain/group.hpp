#pragma once
// Groups (/api/v1/groups): okta-api-notes §4.8. A kit resource with one relation, its members.
// The built-in Everyone group (type BUILT_IN, id kEveryoneGroupId) holds every user implicitly:
// its membership is the users read model itself, so it costs no event per user.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"
#include "idledger/domain/roles.hpp"
#include "idledger/domain/user_query.hpp"

namespace idledger::domain {

namespace group_event {
inline constexpr std::string_view kCreated = "GroupCreated";
inline constexpr std::string_view kProfileUpdated = "GroupProfileUpdated";
inline constexpr std::string_view kDeleted = "GroupDeleted";
inline constexpr std::string_view kUserAdded = "GroupUserAdded";
inline constexpr std::string_view kUserRemoved = "GroupUserRemoved";
}  // namespace group_event

/// Unique index "name" (case-folded) among OKTA_GROUP groups; group key ("holds", "roles") for
/// groups holding admin roles (their members hold them too).
extern const ResourceKind kGroups;
/// A group's members (left: group id, right: user id).
extern const RelationKind kGroupMembers;

/// The group profile of a body (`profile.name` required, at most 255 characters;
/// `description` at most 1024; further attributes of string, number, boolean or string-array
/// values), validated: 400 E0000001 with a cause per field. `owner_of` finds who holds a name;
/// `self` is the id being replaced.
Result<Json> group_profile(const Json& body, const UniqueLookup& owner_of,
                           std::string_view self = {});

/// The admin roles assigned to a group (its document's "roles").
std::vector<RoleAssignment> group_roles(const Json& state);

std::vector<Event> decide_group_create(const std::string& id, std::string_view type,
                                       const Json& profile, const std::string& actor);
/// Replacing the profile: 403 E0000006 for a BUILT_IN group; no event when unchanged.
Result<std::vector<Event>> decide_group_update(const Json& current, const Json& profile,
                                               const std::string& actor);
/// 403 E0000006 for a BUILT_IN group.
Result<std::vector<Event>> decide_group_delete(const Json& current);
/// Adding (`add`) or removing a member: no event when it already is so; a BUILT_IN group's
/// membership cannot be changed (add: 400 E0000060, remove: 403 E0000006, as Okta answers).
Result<std::vector<Event>> decide_group_membership(const Json& current, const std::string& user_id,
                                                   bool add, bool is_member,
                                                   const std::string& actor);

/// Parses a list `filter`: `id`, `type` (eq), `lastUpdated`, `lastMembershipUpdated`, `created`
/// (eq, gt, ge, lt, le with ISO dates), joined by and/or. 400 E0000031 otherwise.
Result<QueryNode> parse_group_filter(std::string_view text);
/// Parses a list `search`: the filter's attributes plus `profile.*` (eq, sw, co, pr).
Result<QueryNode> parse_group_search(std::string_view text);

}  // namespace idledger::domain
