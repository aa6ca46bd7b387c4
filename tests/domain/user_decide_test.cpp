// Given events, when a command, then events or an Okta error.

#include "idledger/domain/user_decide.hpp"

#include <gtest/gtest.h>

using namespace idledger::domain;

namespace {

StoredPassword stored(std::string algorithm, std::string value) {
    StoredPassword s;
    s.algorithm = std::move(algorithm);
    s.value = std::move(value);
    return s;
}

CreateUserCommand new_user(bool activate, bool with_password) {
    CreateUserCommand c;
    c.id = "00u00000000000000001";
    c.type_id = "oty1";
    c.profile.set("login", "isaac@example.com");
    c.profile.set("email", "isaac@example.com");
    c.profile.set("firstName", "Isaac");
    c.profile.set("lastName", "Brock");
    c.activate = activate;
    if (with_password) c.password = stored("ARGON2ID", "$argon2id$fake");
    return c;
}

/// Folds the events of `decide_create` into a fresh User, as the projection does.
User given(const CreateUserCommand& c, std::initializer_list<LifecycleOp> ops = {}) {
    User u;
    Millis t = 1000;
    auto created = decide_create(c, false);
    EXPECT_TRUE(created);
    for (const auto& e : *created) evolve(u, e, t);
    for (auto op : ops) {
        auto events = decide_lifecycle(u, {op, std::nullopt});
        EXPECT_TRUE(events) << "setup step failed";
        for (const auto& e : *events) evolve(u, e, ++t);
    }
    return u;
}

UserStatus after(User u, LifecycleOp op) {
    auto events = decide_lifecycle(u, {op, std::nullopt});
    EXPECT_TRUE(events);
    for (const auto& e : *events) evolve(u, e, 5000);
    return u.status;
}

ErrorCode refused(const User& u, LifecycleOp op) {
    auto events = decide_lifecycle(u, {op, std::nullopt});
    EXPECT_FALSE(events);
    return events ? ErrorCode::InternalError : events.error().code;
}

}  // namespace

TEST(CreateUser, StatusFollowsActivateAndPassword) {
    EXPECT_EQ(given(new_user(false, false)).status, UserStatus::Staged);
    EXPECT_EQ(given(new_user(false, true)).status, UserStatus::Staged);
    EXPECT_EQ(given(new_user(true, false)).status, UserStatus::Provisioned);
    EXPECT_EQ(given(new_user(true, true)).status, UserStatus::Active);
    auto fed = new_user(true, false);
    fed.provider_type = "FEDERATION";
    EXPECT_EQ(given(fed).status, UserStatus::Active);
}

TEST(CreateUser, TimestampsAndPasswordChanged) {
    User u = given(new_user(true, true));
    EXPECT_EQ(u.created, 1000);
    EXPECT_EQ(u.activated, 1000);
    EXPECT_EQ(u.password_changed, 1000);
    User staged = given(new_user(false, false));
    EXPECT_FALSE(staged.activated);
    EXPECT_FALSE(staged.status_changed);
    EXPECT_FALSE(staged.password_changed);
}

TEST(CreateUser, NextLoginChangePasswordExpiresThePassword) {
    auto c = new_user(true, true);
    c.expire_password = true;
    EXPECT_EQ(given(c).status, UserStatus::PasswordExpired);
    auto no_pw = new_user(true, false);
    no_pw.expire_password = true;
    EXPECT_EQ(decide_create(no_pw, false).error().code, ErrorCode::NextLoginNeedsPassword);
    auto staged = new_user(false, true);
    staged.expire_password = true;
    EXPECT_EQ(decide_create(staged, false).error().code, ErrorCode::NextLoginNeedsActivate);
}

TEST(CreateUser, DuplicateLoginIsAValidationError) {
    auto r = decide_create(new_user(true, false), /*login_taken=*/true);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::ValidationFailed);
    EXPECT_EQ(r.error().causes.at(0).summary,
              "login: An object with this field already exists in the current organization");
}

TEST(Lifecycle, ActivateFromStagedOrDeprovisioned) {
    EXPECT_EQ(after(given(new_user(false, false)), LifecycleOp::Activate), UserStatus::Provisioned);
    EXPECT_EQ(after(given(new_user(false, true)), LifecycleOp::Activate), UserStatus::Active);
    EXPECT_EQ(refused(given(new_user(true, true)), LifecycleOp::Activate),
              ErrorCode::AlreadyActive);
    EXPECT_EQ(refused(given(new_user(true, false)), LifecycleOp::Activate),
              ErrorCode::OperationNotAllowed);
    EXPECT_EQ(after(given(new_user(true, true), {LifecycleOp::Deactivate}), LifecycleOp::Activate),
              UserStatus::Active);
}

TEST(Lifecycle, SuspendAndUnsuspend) {
    User active = given(new_user(true, true));
    EXPECT_EQ(after(active, LifecycleOp::Suspend), UserStatus::Suspended);
    User suspended = given(new_user(true, true), {LifecycleOp::Suspend});
    EXPECT_EQ(after(suspended, LifecycleOp::Unsuspend), UserStatus::Active);
    auto r = decide_lifecycle(given(new_user(false, false)), {LifecycleOp::Suspend, std::nullopt});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::ValidationFailed);
    EXPECT_EQ(r.error().causes.at(0).summary, "Cannot suspend a user that is not active");
    EXPECT_EQ(refused(active, LifecycleOp::Unsuspend), ErrorCode::ValidationFailed);
}

TEST(Lifecycle, DeactivateAndDelete) {
    User active = given(new_user(true, true));
    EXPECT_EQ(after(active, LifecycleOp::Deactivate), UserStatus::Deprovisioned);
    EXPECT_EQ(after(active, LifecycleOp::Delete), UserStatus::Deprovisioned);
    User gone = given(new_user(true, true), {LifecycleOp::Deactivate});
    EXPECT_EQ(refused(gone, LifecycleOp::Deactivate), ErrorCode::NotFound);
    auto events = decide_lifecycle(gone, {LifecycleOp::Delete, std::nullopt});
    ASSERT_TRUE(events);
    EXPECT_EQ(events->at(0).type, user_event::kDeleted);
}

TEST(Lifecycle, UnlockResetExpireReactivate) {
    EXPECT_EQ(refused(given(new_user(true, true)), LifecycleOp::Unlock),
              ErrorCode::UnlockNotAllowed);
    EXPECT_EQ(after(given(new_user(true, true)), LifecycleOp::ResetPassword), UserStatus::Recovery);
    EXPECT_EQ(after(given(new_user(true, true)), LifecycleOp::ExpirePassword),
              UserStatus::PasswordExpired);
    EXPECT_EQ(refused(given(new_user(true, false)), LifecycleOp::ExpirePassword),
              ErrorCode::OperationNotAllowed);
    EXPECT_EQ(after(given(new_user(true, false)), LifecycleOp::Reactivate),
              UserStatus::Provisioned);
    EXPECT_EQ(refused(given(new_user(true, true)), LifecycleOp::Reactivate),
              ErrorCode::OperationNotAllowed);
    EXPECT_EQ(
        refused(given(new_user(true, true), {LifecycleOp::Suspend}), LifecycleOp::ResetPassword),
        ErrorCode::OperationNotAllowed);
}

TEST(Update, DeprovisionedUsersAreNotFoundAndProfilesReplace) {
    User gone = given(new_user(true, true), {LifecycleOp::Deactivate});
    UpdateUserCommand cmd;
    cmd.profile = gone.profile;
    EXPECT_EQ(decide_update(gone, cmd, false).error().code, ErrorCode::NotFound);

    User u = given(new_user(true, true));
    Json next = merge_profile(u.profile, [] {
        Json p = Json::object();
        p.set("nickName", "Izzy");
        return p;
    }());
    cmd.profile = next;
    auto events = decide_update(u, cmd, false);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    evolve(u, events->at(0), 9000);
    EXPECT_EQ(u.profile.find("nickName")->as_string(), "Izzy");
    EXPECT_EQ(u.profile.find("firstName")->as_string(), "Isaac");
    EXPECT_EQ(u.last_updated, 9000);
    // No change, no event.
    EXPECT_TRUE(decide_update(u, cmd, false)->empty());
}

TEST(Update, HashImportOnlyForStagedUsers) {
    UpdateUserCommand cmd;
    cmd.password = stored("SHA-256", "abc");
    cmd.password_is_import = true;
    EXPECT_FALSE(decide_update(given(new_user(true, true)), cmd, false));
    EXPECT_TRUE(decide_update(given(new_user(false, false)), cmd, false));
}

TEST(Credentials, ChangePasswordRules) {
    StoredPassword next = stored("ARGON2ID", "$argon2id$next");
    EXPECT_EQ(decide_change_password(given(new_user(true, false)), next).error().code,
              ErrorCode::ChangePasswordNotAllowed);
    User expired = given(new_user(true, true), {LifecycleOp::ExpirePassword});
    auto events = decide_change_password(expired, next);
    ASSERT_TRUE(events);
    evolve(expired, events->at(0), 7000);
    EXPECT_EQ(expired.status, UserStatus::Active);
    EXPECT_EQ(expired.password_changed, 7000);
    ASSERT_EQ(expired.password_history.size(), 1u);
    EXPECT_EQ(expired.password_history[0], "$argon2id$fake");
}

TEST(Credentials, ForgotPasswordNeedsAnActiveUser) {
    EXPECT_EQ(decide_forgot_password(given(new_user(false, false)), "d", 1).error().code,
              ErrorCode::ForgotPasswordNotAllowed);
    EXPECT_TRUE(decide_forgot_password(given(new_user(true, true)), "d", 1));
}

TEST(Evolve, StateSurvivesItsEncoding) {
    User u = given(new_user(true, true), {LifecycleOp::Suspend});
    auto back = User::from_state_json(u.to_state_json());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->to_state_json(), u.to_state_json());
}
