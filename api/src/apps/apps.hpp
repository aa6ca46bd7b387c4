#pragma once
// /api/v1/apps: bookmark and OIDC applications (apps.cpp), their user and group assignments
// (assignments.cpp), and the user's dashboard links GET /api/v1/users/{userId}/appLinks
// (app_links.cpp).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::apps {

/// The endpoints, for the route table.
std::vector<Route> routes();

/// The Application JSON of a stored app: ISO dates, Okta's `_links`, never the secret's digest.
domain::Json render_app(const RequestContext& ctx, const projections::Document& d);

/// The routes of assignments (assignments.cpp) and appLinks (app_links.cpp).
std::vector<Route> assignment_routes();
std::vector<Route> app_link_routes();

/// Inside a deactivation's completing transaction: removes every direct app assignment of the
/// user (Okta deprovisions a deactivated user from its apps; group memberships stay). Returns
/// how many were removed.
domain::Result<size_t> unassign_all_of_user_in(App& app, eventstore::Transaction& tx,
                                               const std::string& user_id,
                                               const std::string& metadata);

}  // namespace idledger::api::apps
