// Groups' rules as given/when/then: pure domain, no store.

#include <gtest/gtest.h>

#include "idledger/domain/group.hpp"
#include "idledger/domain/json_parse.hpp"

using namespace idledger::domain;

namespace {

Json json(std::string_view text) {
    auto j = parse_json(text);
    EXPECT_TRUE(j) << text;
    return j ? *j : Json(nullptr);
}

std::optional<Json> fold(std::optional<Json> state, const std::vector<Event>& events,
                         Millis at = 1000) {
    for (const auto& e : events) kGroups.evolve(state, e, at);
    return state;
}

const UniqueLookup kNobody = [](std::string_view, std::string_view) {
    return std::optional<std::string>{};
};

std::vector<std::string> cause_texts(const Error& e) {
    std::vector<std::string> out;
    for (const auto& c : e.causes) out.push_back(c.summary);
    return out;
}

}  // namespace

TEST(Groups, ACreatedGroupIsAnOktaGroupWithItsProfileAndMembershipDate) {
    auto profile = group_profile(json(R"({"profile":{"name":"Eng","extra":["a"]}})"), kNobody);
    ASSERT_TRUE(profile);
    auto state = fold(std::nullopt, decide_group_create("00g1", "OKTA_GROUP", *profile, "00u1"), 5);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->string_at("type"), "OKTA_GROUP");
    EXPECT_EQ(state->find("profile")->string_at("name"), "Eng");
    EXPECT_TRUE(state->find("profile")->find("description")->is_null());
    EXPECT_EQ(state->find("lastMembershipUpdated")->as_int(), 5);
}

TEST(Groups, ProfileRulesNameEachField) {
    auto taken = [](std::string_view index, std::string_view value) {
        return index == "name" && value == "eng" ? std::optional<std::string>("00gother")
                                                 : std::nullopt;
    };
    auto dup = group_profile(json(R"({"profile":{"name":"ENG"}})"), taken);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::ValidationFailed);
    EXPECT_EQ(cause_texts(dup.error()),
              std::vector<std::string>{
                  "name: An object with this field already exists in the current organization"});
    // Replacing a group may keep its own name.
    EXPECT_TRUE(group_profile(json(R"({"profile":{"name":"ENG"}})"), taken, "00gother"));
    auto bad = group_profile(
        json(R"({"profile":{"name":7,"description":"d","custom":{"nested":true}}})"), kNobody);
    ASSERT_FALSE(bad);
    EXPECT_EQ(cause_texts(bad.error()),
              (std::vector<std::string>{
                  "name: The field must be a string",
                  "custom: The value must be a string, number, boolean or string array"}));
    EXPECT_EQ(group_profile(json(R"({"profile":"x"})"), kNobody).error().code,
              ErrorCode::MalformedBody);
}

TEST(Groups, MembershipChangesAreIdempotentAndEveryoneIsFixed) {
    const Json okta = json(R"({"id":"00g1","type":"OKTA_GROUP","profile":{"name":"a"}})");
    // Given a member, when added again: no event
    EXPECT_TRUE(decide_group_membership(okta, "00u1", true, true, "00ua")->empty());
    // when removed while not a member: no event
    EXPECT_TRUE(decide_group_membership(okta, "00u1", false, false, "00ua")->empty());
    auto added = decide_group_membership(okta, "00u1", true, false, "00ua");
    ASSERT_EQ(added->size(), 1u);
    EXPECT_EQ((*added)[0].type, group_event::kUserAdded);
    EXPECT_EQ((*added)[0].data.string_at("userId"), "00u1");
    // Membership events move lastMembershipUpdated, not lastUpdated.
    auto state = fold(okta, *added, 77);
    EXPECT_EQ(state->find("lastMembershipUpdated")->as_int(), 77);
    EXPECT_EQ(state->find("lastUpdated"), nullptr);

    const Json everyone = json(R"({"id":"00ge","type":"BUILT_IN","profile":{"name":"Everyone"}})");
    EXPECT_EQ(decide_group_membership(everyone, "00u1", true, false, "00ua").error().code,
              ErrorCode::UnsupportedOperation);
    EXPECT_EQ(decide_group_membership(everyone, "00u1", false, true, "00ua").error().code,
              ErrorCode::PermissionDenied);
    EXPECT_EQ(decide_group_delete(everyone).error().code, ErrorCode::PermissionDenied);
    EXPECT_EQ(decide_group_update(everyone, json(R"({"name":"x"})"), "00ua").error().code,
              ErrorCode::PermissionDenied);
    // Everyone holds no unique name: an Okta group may be called Everyone too.
    EXPECT_TRUE(kGroups.unique_keys(everyone).empty());
}

TEST(Groups, FiltersTakeIdTypeAndDatesSearchesProfileAttributes) {
    EXPECT_TRUE(
        parse_group_filter(R"(type eq "OKTA_GROUP" and lastUpdated gt "2026-01-01T00:00:00Z")"));
    EXPECT_EQ(parse_group_filter(R"(profile.name eq "x")").error().code, ErrorCode::InvalidSearch);
    EXPECT_EQ(parse_group_filter(R"(created gt "soon")").error().code, ErrorCode::InvalidDate);
    EXPECT_TRUE(parse_group_search(R"(profile.name sw "Sa" or profile.description pr)"));
    // Dates are compared as canonical ISO text, whatever precision the client wrote.
    auto f = parse_group_filter(R"(lastUpdated gt "2026-01-01T00:00:00Z")");
    EXPECT_TRUE(matches_json(*f, json(R"({"lastUpdated":"2026-01-01T00:00:00.001Z"})")));
    EXPECT_FALSE(matches_json(*f, json(R"({"lastUpdated":"2026-01-01T00:00:00.000Z"})")));
}
