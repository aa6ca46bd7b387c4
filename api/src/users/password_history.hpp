#pragma once

#include "core/context.hpp"
#include "idledger/domain/secret.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api {

/// Password history and minimum age: 403 E0000014 with Okta's causes when `next` equals the
/// current password or one of the last `history_count` ones, or (strict) the current password
/// is younger than the policy's minimum age.
domain::Result<void> check_password_reuse(App& app, const domain::User& user,
                                          const domain::Secret& next, bool strict);

}  // namespace idledger::api
