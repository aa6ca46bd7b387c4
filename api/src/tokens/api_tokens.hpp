#pragma once
// /api/v1/api-tokens: Okta's API token endpoints plus POST to mint a token for any user. A kit
// resource (domain::kApiTokens).

#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/api_token.hpp"

namespace idledger::api::tokens {

/// The endpoints, for the route table.
std::vector<Route> routes();

/// Issues `token` inside the caller's transaction (bootstrap, `admin-token`).
domain::Result<void> issue_in(eventstore::Transaction& tx, const domain::ApiToken& token,
                              const std::string& metadata);

/// Revokes every live token of `user_id` inside the caller's transaction (deprovisioning);
/// returns how many.
domain::Result<int> revoke_all_of_user_in(eventstore::Transaction& tx, const std::string& user_id,
                                          const std::string& metadata, std::string_view reason);

}  // namespace idledger::api::tokens
