#pragma once
// The Authentication API's stateToken: an opaque, signed, short-lived statement "user U is in
// state S of a sign-in, as long as B still holds". Nothing is stored: the token carries what it
// needs and is signed with the server's link key, and it binds itself to what it is about — the
// one-time token it was exchanged for, or the password it was issued against — so once that is
// spent or changed, the state token is dead too (it cannot be replayed to set a password twice).

#include <optional>
#include <string>
#include <string_view>

#include "core/app.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api::authn {

struct AuthnState {
    std::string user_id;
    std::string status;   // PASSWORD_RESET, PASSWORD_EXPIRED or PASSWORD_WARN
    std::string binding;  // activation_binding / recovery_binding / password_binding
    domain::Millis expires_at = 0;
};

std::string issue_state_token(const App& app, const AuthnState& s);
/// nullopt: forged, malformed or expired.
std::optional<AuthnState> read_state_token(const App& app, std::string_view token,
                                           domain::Millis now);

std::string activation_binding(std::string_view token_digest);
std::string recovery_binding(std::string_view token_digest);
std::string password_binding(const domain::User& u);
/// Whether what the state was bound to is still the user's.
bool binding_holds(const domain::User& u, const std::string& binding);

}  // namespace idledger::api::authn
