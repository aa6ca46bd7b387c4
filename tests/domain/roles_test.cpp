// Roles, what they permit, subscriptions' override rule and which events notify: the domain's
// pure rules, given/when/then.

#include "idledger/domain/roles.hpp"

#include <gtest/gtest.h>

#include "idledger/domain/notification.hpp"
#include "idledger/domain/subscription.hpp"
#include "idledger/domain/user.hpp"

using namespace idledger::domain;

namespace {

std::optional<Json> fold(const std::vector<Event>& events) {
    std::optional<Json> state;
    Millis at = 1000;
    for (const auto& e : events) kSubscriptions.evolve(state, e, at++);
    return state;
}

}  // namespace

TEST(Roles, AManageGrantIncludesEverythingUnderItsFamilyAndNothingBeside) {
    const std::vector<std::string> grants = {"okta.users.manage"};
    EXPECT_TRUE(grants_permission(grants, "okta.users.read"));
    EXPECT_TRUE(grants_permission(grants, "okta.users.lifecycle.unlock"));
    EXPECT_FALSE(grants_permission(grants, "okta.usersx.read"));
    EXPECT_FALSE(grants_permission(grants, "okta.groups.read"));
    const std::vector<std::string> read = {"okta.users.read"};
    EXPECT_FALSE(grants_permission(read, "okta.users.create"));
    EXPECT_TRUE(grants_permission(std::vector<std::string>{"*"}, "idledger.testHooks"));
    EXPECT_FALSE(grants_permission(std::vector<std::string>{}, "okta.users.read"));
}

TEST(Roles, StandardRolesHaveOktasLabelsAndTheApiAdminAlias) {
    EXPECT_EQ(role_label("USER_ADMIN"), "Group Administrator");
    EXPECT_EQ(role_label("API_ADMIN"), "API Access Management Administrator");
    EXPECT_FALSE(role_label("CUSTOM"));
    EXPECT_EQ(standard_role_types().size(), 13u);
    for (auto t : standard_role_types()) EXPECT_FALSE(role_grants(t).empty()) << t;
}

TEST(Roles, ARequestNamesAKnownTypeOrACustomRoleWithItsId) {
    auto bad = parse_role_request(Json::object());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::MalformedBody);
    Json custom = Json::object();
    custom.set("type", "CUSTOM");
    auto no_role = parse_role_request(custom);
    ASSERT_FALSE(no_role);
    EXPECT_EQ(no_role.error().code, ErrorCode::ValidationFailed);
    Json alias = Json::object();
    alias.set("type", "API_ADMIN");
    EXPECT_EQ(parse_role_request(alias)->type, "API_ACCESS_MANAGEMENT_ADMIN");
}

TEST(Roles, GivenAGrantWithoutIdFromBeforeAssignmentsWhenFoldedThenItsIdIsStable) {
    // Logs written before assignments had ids name only the role.
    User a, b;
    a.id = b.id = "00uadmin000000000001";
    Json legacy = Json::object();
    legacy.set("role", "SUPER_ADMIN");
    evolve(a, Event{std::string(user_event::kRoleGranted), legacy}, 5);
    evolve(b, Event{std::string(user_event::kRoleGranted), legacy}, 9);
    ASSERT_EQ(a.roles.size(), 1u);
    EXPECT_EQ(a.roles[0].type, "SUPER_ADMIN");
    EXPECT_EQ(a.roles[0].id, b.roles[0].id);
    EXPECT_TRUE(a.roles[0].id.starts_with("ra1"));
    EXPECT_EQ(a.roles[0].id.size(), 20u);
    Json revoke = Json::object();
    revoke.set("id", a.roles[0].id);
    evolve(a, Event{std::string(user_event::kRoleRevoked), revoke}, 6);
    EXPECT_TRUE(a.roles.empty());
    EXPECT_FALSE(a.has_role("SUPER_ADMIN"));
}

TEST(Subscriptions, GivenNoSettingWhenAskedThenEveryOfferedTypeIsSubscribed) {
    const std::vector<HeldRole> helpdesk = {{role_owner("HELP_DESK_ADMIN"), "HELP_DESK_ADMIN"}};
    EXPECT_EQ(user_status(std::nullopt, "00uA", helpdesk, "USER_DEPROVISION"), "subscribed");
    EXPECT_FALSE(user_status(std::nullopt, "00uA", helpdesk, "APP_IMPORT"));
    EXPECT_FALSE(user_status(std::nullopt, "00uA", {}, "OKTA_UPDATE"));
    for (auto t : notification_types()) EXPECT_TRUE(role_sees("SUPER_ADMIN", t)) << t;
}

TEST(Subscriptions, ARoleLevelChangeOverridesHoldersAndAHoldersLaterChangeOverridesItForThemOnly) {
    const std::string role = role_owner("USER_ADMIN");
    const std::vector<HeldRole> held = {{role, "USER_ADMIN"}};
    constexpr std::string_view T = "USER_DEPROVISION";
    std::vector<Event> log = {decide_subscription(user_owner("00uA"), T, false, "00uA")};
    EXPECT_EQ(user_status(fold(log), "00uA", held, T), "unsubscribed");
    EXPECT_EQ(user_status(fold(log), "00uB", held, T), "subscribed");
    log.push_back(decide_subscription(role, T, true, "admin"));  // the role already was
    EXPECT_EQ(user_status(fold(log), "00uA", held, T), "subscribed");
    log.push_back(decide_subscription(user_owner("00uB"), T, false, "00uB"));
    EXPECT_EQ(user_status(fold(log), "00uB", held, T), "unsubscribed");
    EXPECT_EQ(user_status(fold(log), "00uA", held, T), "subscribed");
    log.push_back(decide_subscription(role, T, false, "admin"));
    EXPECT_EQ(user_status(fold(log), "00uA", held, T), "unsubscribed");
    EXPECT_EQ(owner_status(fold(log), role, T), "unsubscribed");
}

TEST(Notifications, ACompletedDeactivationAndALockoutNotifyNothingElseDoes) {
    Json deprov = Json::object();
    deprov.set("status", "DEPROVISIONED");
    EXPECT_EQ(notification_for(Event{std::string(user_event::kDeactivated), deprov}),
              "USER_DEPROVISION");
    Json locked = Json::object();
    locked.set("status", "LOCKED_OUT");
    EXPECT_EQ(notification_for(Event{"UserLockedOut", locked}), "USER_LOCKED_OUT");
    Json requested = Json::object();
    requested.set("transitioningToStatus", "DEPROVISIONED");
    EXPECT_FALSE(
        notification_for(Event{std::string(user_event::kDeactivationRequested), requested}));
}

TEST(Notifications, AnOutcomeIsRecordedOnceWhilePending) {
    std::optional<Json> state;
    kNotifications.evolve(state, notification_request("ntf1", "USER_DEPROVISION", "00uR", "00uS"),
                          1);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->string_at("status"), "PENDING");
    auto delivered = decide_notification_outcome(*state, true, "<ntf1@idledger.local>", "");
    ASSERT_TRUE(delivered);
    kNotifications.evolve(state, *delivered, 2);
    EXPECT_EQ(state->string_at("status"), "DELIVERED");
    EXPECT_FALSE(decide_notification_outcome(*state, true, "<ntf1@idledger.local>", ""));
}
