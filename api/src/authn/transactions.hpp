#pragma once
// The Authentication API's transactions after (or instead of) a password: redeeming an
// activation or recovery token (PASSWORD_RESET), setting the password with the stateToken,
// changing an expired or soon-expiring one (PASSWORD_EXPIRED, PASSWORD_WARN, skip), and asking
// for a recovery e-mail (RECOVERY_CHALLENGE). Each answer has Okta's transaction shape: status,
// stateToken, expiresAt, _embedded.user and .policy, _links.next.

#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api::authn {

std::vector<Route> transaction_routes();

/// The user as the Authentication API embeds it ({"user": {...}}).
domain::Json embedded_user(const domain::User& u);

/// POST /api/v1/authn with {"token"}: an activation (or recovery) token -> PASSWORD_RESET.
domain::Result<HttpResponse> redeem_token(RequestContext& ctx, const std::string& token);
/// POST /api/v1/authn with only {"stateToken"}: the transaction's current state.
domain::Result<HttpResponse> resume(RequestContext& ctx, const std::string& state_token);
/// Whole days until the user's password expires (0: it does not, or it has).
int password_days_left(const App& app, const domain::User& u);
/// Whether a successful sign-in falls within the expiry warning (PASSWORD_WARN).
bool password_warning_due(const App& app, const domain::User& u);
/// A sign-in that must go through a password change: PASSWORD_EXPIRED, or PASSWORD_WARN with
/// the days left.
HttpResponse password_state(RequestContext& ctx, const domain::User& u, const std::string& status,
                            int days_left = 0);

}  // namespace idledger::api::authn
