#pragma once
// /api/v1/api-tokens: Okta's API token endpoints plus POST to mint a token for any user.

#include <string>

#include "core/context.hpp"

namespace idledger::api::tokens {

using R = domain::Result<HttpResponse>;

R list(RequestContext&, const HttpRequest&);            // GET    /api/v1/api-tokens
R get(RequestContext&, const HttpRequest&);             // GET    /api/v1/api-tokens/{apiTokenId}
R revoke(RequestContext&, const HttpRequest&);          // DELETE /api/v1/api-tokens/{apiTokenId}
R revoke_current(RequestContext&, const HttpRequest&);  // DELETE /api/v1/api-tokens/current
R create(RequestContext&, const HttpRequest&);          // POST   /api/v1/api-tokens (extension)

/// Token creation on the writer thread (also used by bootstrap). Returns the new token's id.
eventstore::Result<void> append_token_created(eventstore::Transaction& tx,
                                              const domain::ApiToken& token,
                                              const std::string& metadata);

/// Token revocation on the writer thread (also used by deprovisioning): appends ApiTokenRevoked
/// (with `reason` when given) and updates the read models. False when there is no such token,
/// or, with `owner`, when the token belongs to another user.
eventstore::Result<bool> append_token_revoked(eventstore::Transaction& tx,
                                              const std::string& token_id,
                                              const std::string& metadata,
                                              std::string_view owner = {},
                                              std::string_view reason = {});

}  // namespace idledger::api::tokens
