#include "idledger/domain/sign_in.hpp"

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace {

namespace ev = sign_in_event;

Event failure(std::string_view reason, bool counts) {
    Json d = Json::object();
    d.set("reason", std::string(reason));
    if (counts) d.set("counts", true);
    return make_event(ev::kFailed, std::move(d));
}

}  // namespace

Event signed_in_event(const std::string& session_digest, Millis session_expires) {
    Json d = Json::object();
    d.set("sessionTokenDigest", session_digest);
    d.set("sessionExpiresAt", session_expires);
    return make_event(ev::kSignedIn, std::move(d));
}

SignInDecision decide_sign_in(const User& u, const SignInAttempt& a, const LockoutPolicy& policy,
                              Millis now) {
    SignInDecision out;
    UserStatus status = u.status;
    int failures = u.failed_sign_ins;
    if (status == UserStatus::LockedOut && policy.auto_unlock_ms > 0 && u.status_changed &&
        now - *u.status_changed >= policy.auto_unlock_ms) {
        Json d = Json::object();
        d.set("status", "ACTIVE");
        d.set("auto", true);
        out.events.push_back(make_event(user_event::kUnlocked, std::move(d)));
        status = UserStatus::Active;
        failures = 0;
    }
    if (status == UserStatus::LockedOut) {
        out.outcome = SignInOutcome::LockedOut;
        out.events.push_back(failure("LOCKED_OUT", false));
        return out;
    }
    const bool can_sign_in =
        (status == UserStatus::Active || status == UserStatus::PasswordExpired) && u.password;
    if (!can_sign_in) {
        out.events.push_back(failure("INVALID_CREDENTIALS", false));
        return out;
    }
    const bool still_current = a.verified && *a.verified == *u.password;
    if (!a.password_ok || !still_current) {
        out.events.push_back(failure("INVALID_CREDENTIALS", !a.password_ok));
        if (!a.password_ok && policy.max_attempts > 0 && failures + 1 >= policy.max_attempts) {
            Json d = Json::object();
            d.set("status", "LOCKED_OUT");
            out.events.push_back(make_event(ev::kLockedOut, std::move(d)));
        }
        return out;
    }
    if (status == UserStatus::PasswordExpired) {
        // Right password, but it must change before a session: no lastLogin yet, and no rehash
        // (the change stores argon2id anyway).
        out.outcome = SignInOutcome::PasswordExpired;
        return out;
    }
    Json d = Json::object();
    if (a.rehash) d.set("password", a.rehash->to_json());
    d.set("sessionTokenDigest", a.session_token_digest);
    d.set("sessionExpiresAt", a.session_expires_at);
    out.events.push_back(make_event(ev::kSignedIn, std::move(d)));
    out.outcome = SignInOutcome::Success;
    return out;
}

}  // namespace idledger::domain
