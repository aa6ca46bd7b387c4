#pragma once
// Linked objects: definitions under /api/v1/meta/schemas/user/linkedObjects (definitions.cpp)
// and the users' links under /api/v1/users/{userId}/linkedObjects (links.cpp).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::linked_objects {

/// The endpoints, for the route table.
std::vector<Route> routes();
std::vector<Route> link_routes();

/// After a user's permanent deletion: removes its links on both sides of every definition.
domain::Result<void> remove_links_of_user(RequestContext& ctx, const std::string& user_id);

}  // namespace idledger::api::linked_objects
