#pragma once
// /api/v1/groups: Okta groups, the built-in Everyone group, memberships, and the user's groups
// (GET /api/v1/users/{userId}/groups).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::groups {

/// The endpoints, for the route table.
std::vector<Route> routes();

/// The Group JSON of a stored group: ISO dates, Okta's `_links` (logo, users, apps) and, when
/// `stats`, `_embedded.stats.usersCount`.
domain::Json render_group(RequestContext& ctx, const projections::Document& d, bool stats);

/// The routes of memberships (members.cpp).
std::vector<Route> membership_routes();

/// Inside a user's creating transaction: adds the new user to each of `group_ids` (Everyone
/// needs nothing). 404 E0000007 (UserGroup) when one does not exist: the caller aborts.
domain::Result<void> add_new_user_to_groups(eventstore::Transaction& tx,
                                            const std::vector<std::string>& group_ids,
                                            const std::string& user_id, const std::string& metadata,
                                            const std::string& actor);

/// Whether `user_id` is a member of group `group_id` now: always for Everyone, never for a
/// group deleted since (its membership entries stay behind).
domain::Result<bool> is_member(RequestContext& ctx, std::string_view group_id,
                               std::string_view user_id);

/// After a user's permanent deletion: removes it from every group it was in.
domain::Result<void> remove_from_all_groups(RequestContext& ctx, const std::string& user_id);

/// In the bootstrap transaction: creates the Everyone group unless it exists (a new org, and a
/// store from before groups).
domain::Result<void> ensure_everyone_in(eventstore::Transaction& tx, const std::string& metadata);

}  // namespace idledger::api::groups
