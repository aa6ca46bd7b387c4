// Primary authentication's rules (domain/sign_in.hpp), given/when/then: counting failures,
// locking, automatic unlock, rehash, and a password changed while it was being verified.

#include "idledger/domain/sign_in.hpp"

#include <gtest/gtest.h>

using namespace idledger::domain;

namespace {

User active_user() {
    User u;
    u.id = "00usignin00000000001";
    u.status = UserStatus::Active;
    StoredPassword p;
    p.algorithm = "ARGON2ID";
    p.value = "$argon2id$stored";
    u.password = p;
    return u;
}

SignInAttempt attempt(const User& u, bool ok) {
    SignInAttempt a;
    a.password_ok = ok;
    a.verified = u.password;
    a.session_token_digest = "digest";
    a.session_expires_at = 5000;
    return a;
}

void apply(User& u, const SignInDecision& d, Millis at) {
    for (const auto& e : d.events) evolve(u, e, at);
}

}  // namespace

TEST(SignIn, GivenFailuresBelowThePolicyWhenTheRightPasswordComesThenTheCountResets) {
    User u = active_user();
    const LockoutPolicy policy{3, 0};
    apply(u, decide_sign_in(u, attempt(u, false), policy, 1), 1);
    apply(u, decide_sign_in(u, attempt(u, false), policy, 2), 2);
    EXPECT_EQ(u.failed_sign_ins, 2);
    auto ok = decide_sign_in(u, attempt(u, true), policy, 3);
    EXPECT_EQ(ok.outcome, SignInOutcome::Success);
    apply(u, ok, 3);
    EXPECT_EQ(u.failed_sign_ins, 0);
    EXPECT_EQ(u.last_login, 3);
    EXPECT_EQ(u.session_token_digest, "digest");
}

TEST(SignIn, GivenThePolicysFailuresInARowThenLockedAndTheRightPasswordNoLongerWorks) {
    User u = active_user();
    const LockoutPolicy policy{3, 0};
    for (int i = 0; i < 3; ++i) apply(u, decide_sign_in(u, attempt(u, false), policy, i), i);
    EXPECT_EQ(u.status, UserStatus::LockedOut);
    auto locked = decide_sign_in(u, attempt(u, true), policy, 10);
    EXPECT_EQ(locked.outcome, SignInOutcome::LockedOut);
    apply(u, locked, 10);
    EXPECT_EQ(u.status, UserStatus::LockedOut);
    EXPECT_FALSE(u.last_login);
}

TEST(SignIn, GivenALockedUserWhenTheAutoUnlockPeriodIsOverThenItSignsIn) {
    User u = active_user();
    const LockoutPolicy policy{2, 1000};
    for (int i = 0; i < 2; ++i) apply(u, decide_sign_in(u, attempt(u, false), policy, 100), 100);
    ASSERT_EQ(u.status, UserStatus::LockedOut);
    EXPECT_EQ(decide_sign_in(u, attempt(u, true), policy, 1099).outcome, SignInOutcome::LockedOut);
    auto later = decide_sign_in(u, attempt(u, true), policy, 1100);
    EXPECT_EQ(later.outcome, SignInOutcome::Success);
    apply(u, later, 1100);
    EXPECT_EQ(u.status, UserStatus::Active);
}

TEST(SignIn, AnImportedHashIsReplacedWithoutCountingAsANewPassword) {
    User u = active_user();
    u.password->algorithm = "SHA-256";
    u.password_changed = 7;
    SignInAttempt a = attempt(u, true);
    StoredPassword argon;
    argon.algorithm = "ARGON2ID";
    argon.value = "$argon2id$new";
    a.rehash = argon;
    apply(u, decide_sign_in(u, a, LockoutPolicy{}, 50), 50);
    EXPECT_EQ(u.password->algorithm, "ARGON2ID");
    EXPECT_EQ(u.password_changed, 7);
    EXPECT_TRUE(u.password_history.empty());
}

TEST(SignIn, APasswordChangedWhileBeingVerifiedMakesTheAttemptAPlainFailure) {
    User u = active_user();
    SignInAttempt a = attempt(u, true);
    u.password->value = "$argon2id$changed";
    auto d = decide_sign_in(u, a, LockoutPolicy{3, 0}, 5);
    EXPECT_EQ(d.outcome, SignInOutcome::Failed);
    apply(u, d, 5);
    EXPECT_EQ(u.failed_sign_ins, 0);  // the password was right: nothing to count
}

TEST(SignIn, UsersWhoCannotSignInFailWithoutCounting) {
    User u = active_user();
    u.status = UserStatus::Staged;
    auto d = decide_sign_in(u, attempt(u, false), LockoutPolicy{1, 0}, 5);
    EXPECT_EQ(d.outcome, SignInOutcome::Failed);
    apply(u, d, 5);
    EXPECT_EQ(u.status, UserStatus::Staged);
    EXPECT_EQ(u.failed_sign_ins, 0);
}
