#pragma once
// What the authorization server has issued to a user, seen from the user: the clients holding
// its grants or refresh tokens, its consent grants, and its refresh tokens per client — listed
// and revoked (okta-api-notes §4.8).

#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/eventstore/event_store.hpp"

namespace idledger::api::user_grants {

std::vector<Route> routes();

/// In the caller's transaction (deprovisioning's completion): revokes every consent grant and
/// refresh token of `user_id` and ends its sessions; `reason` goes into the events. Access
/// tokens stop working with them (their user is no longer ACTIVE, their refresh token gone).
/// Revokes every refresh token issued to `user_id` (DELETE /users/{id}/sessions?oauthTokens=true);
/// the access tokens minted with them stop working too.
domain::Result<void> revoke_refresh_tokens_of(RequestContext& ctx, const std::string& user_id);

domain::Result<size_t> revoke_all_of_user_in(eventstore::Transaction& tx,
                                             const std::string& user_id,
                                             const std::string& metadata, std::string_view reason);

}  // namespace idledger::api::user_grants
