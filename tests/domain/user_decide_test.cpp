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

/// A worker's report on request `id` of `kind`, with nothing else to say.
CompletionReport report_on(std::string id, std::string_view kind) {
    CompletionReport r;
    r.request_id = std::move(id);
    r.kind = std::string(kind);
    return r;
}

/// What a worker's report does: folds the completion of the user's outstanding request.
void complete_request(User& u, Millis t) {
    if (!u.request_id) return;
    for (const auto& e : decide_completion(u, report_on(*u.request_id, u.request_kind)))
        evolve(u, e, t);
}

void fold(User& u, const Result<std::vector<Event>>& events, Millis t) {
    ASSERT_TRUE(events);
    for (const auto& e : *events) evolve(u, e, t);
}

LifecycleCommand command(LifecycleOp op, Millis t) {
    return {op, std::nullopt, "lrq" + std::to_string(t)};
}

/// Folds the events of `decide_create` into a fresh User, as the projection does; lifecycle steps
/// run to completion (as if a worker reported back at once).
User given(const CreateUserCommand& c, std::initializer_list<LifecycleOp> ops = {}) {
    User u;
    Millis t = 1000;
    auto created = decide_create(c, false);
    EXPECT_TRUE(created);
    for (const auto& e : *created) evolve(u, e, t);
    for (auto op : ops) {
        auto events = decide_lifecycle(u, command(op, ++t));
        EXPECT_TRUE(events) << "setup step failed";
        for (const auto& e : *events) evolve(u, e, t);
        complete_request(u, t);
    }
    return u;
}

UserStatus after(User u, LifecycleOp op) {
    auto events = decide_lifecycle(u, command(op, 5000));
    EXPECT_TRUE(events);
    for (const auto& e : *events) evolve(u, e, 5000);
    complete_request(u, 5001);
    return u.status;
}

ErrorCode refused(const User& u, LifecycleOp op) {
    auto events = decide_lifecycle(u, command(op, 6000));
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
    // ACTIVE is not enough: Okta answers E0000034 without a recovery question.
    EXPECT_EQ(decide_forgot_password(given(new_user(true, true)), "d", 1).error().code,
              ErrorCode::ForgotPasswordNotAllowed);
    CreateUserCommand with_question = new_user(true, true);
    with_question.recovery = RecoveryQuestion{"Q?", "$argon2id$answer"};
    EXPECT_TRUE(decide_forgot_password(given(with_question), "d", 1));
}

TEST(Evolve, StateSurvivesItsEncoding) {
    User u = given(new_user(true, true), {LifecycleOp::Suspend});
    auto back = User::from_state_json(u.to_state_json());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->to_state_json(), u.to_state_json());
}

// ---- asynchronous transitions -------------------------------------------------------------

TEST(AsyncLifecycle, ActivationIsRequestedThenCompletedOnce) {
    User u = given(new_user(false, true));
    auto requested = decide_lifecycle(
        u, {LifecycleOp::Activate, std::nullopt, "lrqA", true, IssuedToken{"digestA", 9000}});
    ASSERT_TRUE(requested);
    ASSERT_EQ(requested->size(), 1u);
    EXPECT_EQ(requested->at(0).type, user_event::kActivationRequested);
    evolve(u, requested->at(0), 2000);
    // Requested: still STAGED, transitioning to ACTIVE, the request outstanding.
    EXPECT_EQ(u.status, UserStatus::Staged);
    EXPECT_EQ(u.transitioning_to, UserStatus::Active);
    EXPECT_EQ(u.request_id, "lrqA");
    EXPECT_EQ(u.request_kind, request_kind::kActivate);
    // Anything but deactivation waits for the transition: 409 E0000112.
    EXPECT_EQ(decide_update(u, UpdateUserCommand{}, false).error().code,
              ErrorCode::UserInTransition);
    EXPECT_EQ(refused(u, LifecycleOp::Suspend), ErrorCode::UserInTransition);

    CompletionReport report = report_on("lrqA", request_kind::kActivate);
    report.email = CompletionReport::Email{"activation", true, "lrqA@idledger.local", "file", ""};
    auto completion = decide_completion(u, report);
    ASSERT_EQ(completion.size(), 2u);
    EXPECT_EQ(completion[0].type, user_event::kEmailDelivered);
    EXPECT_EQ(completion[1].type, user_event::kActivated);
    for (const auto& e : completion) evolve(u, e, 3000);
    EXPECT_EQ(u.status, UserStatus::Active);
    EXPECT_FALSE(u.transitioning_to);
    EXPECT_FALSE(u.request_id);
    EXPECT_EQ(u.activated, 3000);
    // The same report again (duplicate delivery) decides nothing.
    EXPECT_TRUE(decide_completion(u, report).empty());
}

TEST(AsyncLifecycle, DeactivationSupersedesActivationAndJoinsItself) {
    User u = given(new_user(false, false));
    fold(u, decide_lifecycle(u, {LifecycleOp::Activate, std::nullopt, "lrqA"}), 2000);
    // Okta shows ACTIVE as the target of any activation; without a password it lands in
    // PROVISIONED on completion.
    EXPECT_EQ(u.transitioning_to, UserStatus::Active);
    auto deact = decide_lifecycle(u, {LifecycleOp::Deactivate, std::nullopt, "lrqD"});
    ASSERT_TRUE(deact);
    for (const auto& e : *deact) evolve(u, e, 2100);
    EXPECT_EQ(u.transitioning_to, UserStatus::Deprovisioned);
    EXPECT_EQ(u.request_id, "lrqD");
    // The superseded activation's report is dropped.
    CompletionReport stale = report_on("lrqA", request_kind::kActivate);
    EXPECT_TRUE(decide_completion(u, stale).empty());
    // Deactivating again (or DELETE) while deactivating joins the outstanding request.
    auto again = decide_lifecycle(u, {LifecycleOp::Delete, std::nullopt, "lrqX"});
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty());
    CompletionReport done = report_on("lrqD", request_kind::kDeactivate);
    done.revoked_api_tokens = 2;
    auto events = decide_completion(u, done);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data.find("revokedApiTokens")->as_int(), 2);
    evolve(u, events[0], 2200);
    EXPECT_EQ(u.status, UserStatus::Deprovisioned);
    EXPECT_FALSE(u.transitioning_to);
}

TEST(AsyncLifecycle, ActivationTokensAreIssuedSupersededAndExpire) {
    User u = given(new_user(false, false));
    fold(u,
         decide_lifecycle(
             u, {LifecycleOp::Activate, std::nullopt, "lrq1", false, IssuedToken{"first", 10'000}}),
         2000);
    complete_request(u, 2001);
    EXPECT_EQ(u.status, UserStatus::Provisioned);
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "first", 5000),
              TokenState::Valid);
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "first", 10'000),
              TokenState::Expired);
    fold(u,
         decide_lifecycle(u, {LifecycleOp::Reactivate, std::nullopt, "lrq2", true,
                              IssuedToken{"second", 20'000}}),
         3000);
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "first", 5000),
              TokenState::Unknown);  // superseded
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "second", 5000),
              TokenState::Valid);
    EXPECT_EQ(u.request_kind, request_kind::kEmail);  // reactivate's e-mail goes to a worker
    fold(u, decide_lifecycle(u, {LifecycleOp::Deactivate, std::nullopt, "lrq3"}), 4000);
    complete_request(u, 4001);
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "second", 5000),
              TokenState::Unknown);  // deprovisioning spends every token
}

TEST(AsyncLifecycle, ResetPasswordEmailIsARequest) {
    User u = given(new_user(true, true));
    auto events = decide_lifecycle(
        u, {LifecycleOp::ResetPassword, std::nullopt, "lrqR", true, IssuedToken{"reset", 99'000}});
    ASSERT_TRUE(events);
    for (const auto& e : *events) evolve(u, e, 2000);
    EXPECT_EQ(u.status, UserStatus::Recovery);  // the status change itself is synchronous
    EXPECT_EQ(u.forgot_token_digest, "reset");
    EXPECT_EQ(u.request_kind, request_kind::kEmail);
    CompletionReport r = report_on("lrqR", request_kind::kEmail);
    r.email = CompletionReport::Email{"password-reset", false, "", "smtp", "connection refused"};
    auto done = decide_completion(u, r);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].type, user_event::kEmailFailed);
    evolve(u, done[0], 2100);
    EXPECT_FALSE(u.request_id);
}

TEST(PasswordExpiry, DueUsersGetARequestAndTheCompletionExpires) {
    constexpr Millis kDay = 24LL * 3600 * 1000;
    User u = given(new_user(true, true));  // password set at 1000
    EXPECT_FALSE(decide_password_expiry_request(u, 90 * kDay, 1000 + 89 * kDay, "lrqE"));
    auto request = decide_password_expiry_request(u, 90 * kDay, 1000 + 90 * kDay, "lrqE");
    ASSERT_TRUE(request);
    evolve(u, *request, 1000 + 90 * kDay);
    // One request at a time.
    EXPECT_FALSE(decide_password_expiry_request(u, 90 * kDay, 1000 + 91 * kDay, "lrqF"));
    CompletionReport r = report_on("lrqE", request_kind::kExpirePassword);
    r.password_changed = 1000;
    auto done = decide_completion(u, r);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].type, user_event::kPasswordExpired);
    evolve(u, done[0], 2000 + 90 * kDay);
    EXPECT_EQ(u.status, UserStatus::PasswordExpired);
    EXPECT_FALSE(password_due_to_expire(u, 90 * kDay, 1000 + 200 * kDay));  // not ACTIVE now
}

TEST(PasswordExpiry, APasswordChangedMeanwhileCancelsTheRequest) {
    constexpr Millis kDay = 24LL * 3600 * 1000;
    User u = given(new_user(true, true));
    auto request = decide_password_expiry_request(u, kDay, 1000 + kDay, "lrqE");
    ASSERT_TRUE(request);
    evolve(u, *request, 1000 + kDay);
    auto changed = decide_change_password(u, stored("ARGON2ID", "$argon2id$new"));
    ASSERT_TRUE(changed);
    for (const auto& e : *changed) evolve(u, e, 2000 + kDay);
    CompletionReport r = report_on("lrqE", request_kind::kExpirePassword);
    r.password_changed = 1000;
    auto done = decide_completion(u, r);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].type, user_event::kPasswordExpiryCancelled);
    evolve(u, done[0], 3000 + kDay);
    EXPECT_EQ(u.status, UserStatus::Active);
    EXPECT_FALSE(u.request_id);
}

TEST(PasswordExpiry, AWarningOncePerPasswordWithinTheWarningPeriod) {
    constexpr Millis kDay = 24LL * 3600 * 1000;
    User u = given(new_user(true, true));  // password set at 1000; expires at 1000 + 30 days
    EXPECT_FALSE(decide_password_expiry_warning(u, 30 * kDay, 5 * kDay, 1000 + 24 * kDay, "w"));
    auto warn = decide_password_expiry_warning(u, 30 * kDay, 5 * kDay, 1000 + 26 * kDay, "lrqW");
    ASSERT_TRUE(warn);
    EXPECT_EQ(warn->data.find("request")->string_at("template"),
              email_template::kPasswordExpiryWarning);
    evolve(u, *warn, 1000 + 26 * kDay);
    CompletionReport r = report_on("lrqW", request_kind::kEmail);
    r.email = CompletionReport::Email{"password-expiry-warning", true, "m", "file", ""};
    for (const auto& e : decide_completion(u, r)) evolve(u, e, 1000 + 26 * kDay);
    EXPECT_FALSE(u.request_id);
    // Warned once for this password; past the age it is expiry, not another warning.
    EXPECT_FALSE(decide_password_expiry_warning(u, 30 * kDay, 5 * kDay, 1000 + 27 * kDay, "w2"));
    EXPECT_FALSE(decide_password_expiry_warning(u, 30 * kDay, 5 * kDay, 1000 + 31 * kDay, "w3"));
    EXPECT_TRUE(decide_password_expiry_request(u, 30 * kDay, 1000 + 31 * kDay, "e"));
}

TEST(CreateUser, ProvisionedUsersGetTheActivationEmailAsARequest) {
    auto c = new_user(true, false);
    c.activation_request_id = "lrqC";
    c.activation_token = IssuedToken{"welcome", 99'000};
    User u = given(c);
    EXPECT_EQ(u.status, UserStatus::Provisioned);
    EXPECT_EQ(u.request_id, "lrqC");
    EXPECT_EQ(u.request_kind, request_kind::kEmail);
    EXPECT_EQ(token_state(u.activation_token_digest, u.activation_token_expires, "welcome", 1000),
              TokenState::Valid);
    // Users who can sign in get no welcome e-mail.
    auto active = new_user(true, true);
    active.activation_request_id = "lrqD";
    EXPECT_FALSE(given(active).request_id);
}
