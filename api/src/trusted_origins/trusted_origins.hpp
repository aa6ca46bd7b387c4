#pragma once
// /api/v1/trustedOrigins (okta-api-notes §8); the CORS stage of the dispatcher asks
// `cors_allowed` whether a browser origin may call the API.

#include <string>
#include <vector>

#include "core/context.hpp"

namespace idledger::api::trusted_origins {

std::vector<Route> routes();

/// Whether `origin` (an Origin header) is an ACTIVE trusted origin with the CORS scope, read
/// from the committed read model (a deactivation counts from the moment it is acknowledged).
bool cors_allowed(App& app, const std::string& origin);

}  // namespace idledger::api::trusted_origins
