#pragma once
// Okta's Authentication API, primary authentication: POST /api/v1/authn with a username and a
// password (domain/sign_in.hpp decides). Public: the request carries the credentials.

#include <vector>

#include "core/context.hpp"

namespace idledger::api::authn {

std::vector<Route> routes();

}  // namespace idledger::api::authn
