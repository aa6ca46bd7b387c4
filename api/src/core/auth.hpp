#pragma once

#include "core/context.hpp"

namespace idledger::api {

/// `Authorization: SSWS <token>` -> the token's user with that user's roles.
/// `Authorization: Bearer <access token>` (the org authorization server's, with okta.* scopes) ->
/// its user, with that user's roles narrowed to the token's scopes.
/// Missing header or another scheme: 403 E0000005. Unknown, expired or revoked token, or a token
/// whose user can no longer act (deprovisioned, suspended, deleted): 401 E0000011.
/// `base_url`: the origin the request reached (an access token's issuer is checked against it).
domain::Result<Principal> authenticate(App& app, const HttpRequest& req,
                                       const std::string& base_url);

/// Whether `p` may use a route open to `access` (403 E0000006 otherwise); `path_user` is the
/// path's {userId} ("" when it has none; "me" is the caller).
bool permitted(const Principal& p, const Access& access, std::string_view path_user);

}  // namespace idledger::api
