#pragma once

#include "core/context.hpp"

namespace idledger::api {

/// `Authorization: SSWS <token>` -> the token's user with that user's roles.
/// Missing header or another scheme: 403 E0000005. Unknown or revoked token, or a token whose
/// user can no longer act (deprovisioned, suspended, deleted): 401 E0000011.
domain::Result<Principal> authenticate(App& app, const HttpRequest& req);

/// Whether `p` may use a route open to `access` (403 E0000006 otherwise); `path_user` is the
/// path's {userId} ("" when it has none; "me" is the caller).
bool permitted(const Principal& p, const Access& access, std::string_view path_user);

}  // namespace idledger::api
