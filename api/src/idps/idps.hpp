#pragma once
// /api/v1/idps: identity providers (idps.cpp) and the users linked to them (idp_users.cpp),
// with the user's side GET /api/v1/users/{userId}/idps.

#include <vector>

#include "core/context.hpp"

namespace idledger::api::idps {

/// The endpoints, for the route table.
std::vector<Route> routes();
std::vector<Route> user_link_routes();

/// The IdentityProvider JSON of a stored IdP: ISO dates, Okta's `_links`, never the digest of
/// its client secret.
domain::Json render_idp(const RequestContext& ctx, const projections::Document& d);

/// After a user's permanent deletion: unlinks it from every IdP.
domain::Result<void> unlink_user_everywhere(RequestContext& ctx, const std::string& user_id);

}  // namespace idledger::api::idps
