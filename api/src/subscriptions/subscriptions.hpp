#pragma once
// Notification subscriptions (okta-api-notes §5): a role's (/api/v1/roles/{roleTypeOrRoleId}/
// subscriptions…) and a user's own (/api/v1/users/{userId}/subscriptions…, the user themselves
// only). The settings and the override rule are domain/subscription.hpp.

#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/subscription.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api::subscriptions {

std::vector<Route> routes();
std::vector<Route> role_routes();
std::vector<Route> user_routes();

/// Okta's Subscription JSON: `base` is the owner's path ("/api/v1/roles/SUPER_ADMIN").
domain::Json render(const RequestContext& ctx, const std::string& base, std::string_view type,
                    std::string_view status);

/// The subscriptions document as committed (nullopt before the first change).
domain::Result<std::optional<domain::Json>> settings(App& app);

/// Records `owner`'s choice for `type` (200, empty body).
domain::Result<HttpResponse> change(RequestContext& ctx, const std::string& owner,
                                    std::string_view type, bool subscribe);

/// The role owner keys `user` holds (direct and through groups), committed reads.
domain::Result<std::vector<domain::HeldRole>> held_roles(App& app, const domain::User& user);

}  // namespace idledger::api::subscriptions
