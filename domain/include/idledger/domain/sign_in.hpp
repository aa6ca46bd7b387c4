#pragma once
// Primary authentication (POST /api/v1/authn): what one sign-in attempt does to a user. The
// password is verified outside (argon2id is slow); the decision is made on the writer from the
// user's current state, so concurrent attempts count exactly.
//
// Events on the user's stream: UserSignedIn (lastLogin; the one-time session token's digest; an
// imported hash rehashed with argon2id), UserSignInFailed (with its reason; counts toward the
// lockout while the user can sign in), UserLockedOut (status LOCKED_OUT after the policy's number
// of failures in a row), and UserUnlocked (auto: the lockout period is over).

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/user.hpp"

namespace idledger::domain {

namespace sign_in_event {
inline constexpr std::string_view kSignedIn = "UserSignedIn";
inline constexpr std::string_view kFailed = "UserSignInFailed";
inline constexpr std::string_view kLockedOut = "UserLockedOut";
}  // namespace sign_in_event

/// Okta's default password policy: locked after 10 failures in a row; no automatic unlock
/// (auto_unlock_ms 0) unless configured.
struct LockoutPolicy {
    int max_attempts = 10;
    Millis auto_unlock_ms = 0;
};

enum class SignInOutcome {
    Success,          // ACTIVE: a session token
    PasswordExpired,  // the password is right but must change first
    LockedOut,        // refused: locked (the attempt is logged, not counted)
    Failed,           // 401 E0000004: unknown, wrong password, or a user who cannot sign in
};

struct SignInAttempt {
    bool password_ok = false;
    /// The credential the password was verified against: the decision only trusts the result
    /// while the user still has it (a concurrent change makes the attempt a plain failure).
    std::optional<StoredPassword> verified;
    /// The same password as argon2id, when `verified` is an imported hash.
    std::optional<StoredPassword> rehash;
    std::string session_token_digest;
    Millis session_expires_at = 0;
};

struct SignInDecision {
    SignInOutcome outcome = SignInOutcome::Failed;
    std::vector<Event> events;
};

/// The UserSignedIn event of a sign-in answered with a session token (lastLogin).
Event signed_in_event(const std::string& session_digest, Millis session_expires);

SignInDecision decide_sign_in(const User& u, const SignInAttempt& attempt,
                              const LockoutPolicy& policy, Millis now);

}  // namespace idledger::domain
