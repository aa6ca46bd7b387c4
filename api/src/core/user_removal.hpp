#pragma once
// What a user's permanent deletion ends besides the user itself: its place in every other
// resource (group memberships, linked objects, identity-provider links), each removal an event
// of that resource. One line per resource in user_removal.cpp.

#include <string>

#include "core/context.hpp"

namespace idledger::api {

domain::Result<void> remove_user_relationships(RequestContext& ctx, const std::string& user_id);

}  // namespace idledger::api
