#pragma once
// Okta's Authentication API, primary authentication: POST /api/v1/authn with a username and a
// password (domain/sign_in.hpp decides). Public: the request carries the credentials.

#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/sign_in.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api::authn {

std::vector<Route> routes();

/// One password sign-in, counted toward the lockout and logged like POST /api/v1/authn's (the
/// authorization server's sign-in page and its password grant use it too).
struct PasswordSignIn {
    domain::SignInOutcome outcome = domain::SignInOutcome::Failed;
    /// ThreatInsight (action block) refused the attempt before the password was looked at.
    bool blocked = false;
    std::optional<projections::UserRow> row;  // the user after the attempt (none: unknown)
    std::string session_token;                // with Success: its one-time session token
    domain::Millis session_expires_at = 0;
};
domain::Result<PasswordSignIn> sign_in_with_password(RequestContext& ctx,
                                                     const std::string& username,
                                                     const std::string& password);

}  // namespace idledger::api::authn
