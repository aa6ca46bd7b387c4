#include "idledger/domain/user_rules.hpp"

#include <gtest/gtest.h>

using namespace idledger::domain;

namespace {
Json profile(std::string login, std::string email, std::string first, std::string last) {
    Json p = Json::object();
    p.set("login", login);
    p.set("email", email);
    p.set("firstName", first);
    p.set("lastName", last);
    return p;
}
}  // namespace

TEST(ProfileRules, AcceptsAWellFormedProfileWithCustomAttributes) {
    Json p = profile("isaac.brock@example.com", "isaac.brock@example.com", "Isaac", "Brock");
    p.set("nickname_custom", "Izzy");
    p.set("skills", Json(JsonArray{Json("c++"), Json("go")}));
    EXPECT_TRUE(validate_profile(p).empty());
}

TEST(ProfileRules, EachMissingRequiredFieldIsACause) {
    auto causes = validate_profile(Json::object());
    ASSERT_EQ(causes.size(), 4u);
    EXPECT_EQ(causes[0].summary, "login: The field cannot be left blank");
    EXPECT_EQ(validation_error(causes).detail, "login");
}

TEST(ProfileRules, LoginMustLookLikeAnEmail) {
    auto causes = validate_profile(profile("isa", "isaac@example.com", "I", "B"));
    ASSERT_EQ(causes.size(), 1u);
    EXPECT_EQ(causes[0].summary, "login: Username must be between 5 and 100 characters");
    causes = validate_profile(profile("isaac-brock", "isaac@example.com", "I", "B"));
    EXPECT_EQ(causes[0].summary, "login: Username must be in the form of an email address");
    causes = validate_profile(profile("isaac@example.com", "not-an-email", "I", "B"));
    EXPECT_EQ(causes[0].summary, "email: Does not match required pattern");
}

TEST(ProfileRules, RejectsCharactersOutsideTheBmpAndOverlongNames) {
    auto causes =
        validate_profile(profile("a@example.com", "a@example.com", "Emoji \xF0\x9F\x98\x80", "B"));
    ASSERT_EQ(causes.size(), 1u);
    EXPECT_TRUE(causes[0].summary.starts_with("firstName:"));
    causes = validate_profile(profile("a@example.com", "a@example.com", std::string(51, 'x'), "B"));
    ASSERT_EQ(causes.size(), 1u);
}

TEST(PasswordPolicy, DefaultPolicyNamesEveryRequirement) {
    PasswordPolicy p;
    EXPECT_TRUE(check_password_policy(p, Secret("Tr0ub4dor-x"), "isaac.brock@example.com").empty());
    auto causes = check_password_policy(p, Secret("short"), "isaac.brock@example.com");
    ASSERT_EQ(causes.size(), 1u);
    EXPECT_EQ(causes[0].summary,
              "password: Password requirements were not met. Password requirements: at least 8 "
              "characters, a lowercase letter, an uppercase letter, a number, no parts of your "
              "username.");
    EXPECT_FALSE(check_password_policy(p, Secret("alllowercase1"), "x@example.com").empty());
    EXPECT_FALSE(check_password_policy(p, Secret("ALLUPPERCASE1"), "x@example.com").empty());
    EXPECT_FALSE(check_password_policy(p, Secret("NoDigitsHere"), "x@example.com").empty());
}

TEST(PasswordPolicy, NoPartsOfTheUsername) {
    PasswordPolicy p;
    EXPECT_FALSE(
        check_password_policy(p, Secret("Brock12345A"), "isaac.brock@example.com").empty());
    EXPECT_FALSE(
        check_password_policy(p, Secret("xxISAACxx1a"), "isaac.brock@example.com").empty());
    // The domain is ignored, and parts shorter than 4 characters do not count.
    EXPECT_TRUE(check_password_policy(p, Secret("Example123a"), "isaac.brock@example.com").empty());
    EXPECT_TRUE(check_password_policy(p, Secret("Abc123abcXY"), "abc.d@example.com").empty());
}

TEST(Logins, CompareCaseInsensitively) {
    EXPECT_EQ(normalize_login("Isaac@Example.COM"), "isaac@example.com");
}

TEST(ProfileRules, TheBmpRuleReachesNestedValuesAndAttributeNames) {
    Json p = profile("isaac.brock@example.com", "isaac.brock@example.com", "Isaac", "Brock");
    p.set("nested", Json(JsonArray{Json("ok"), Json(JsonArray{Json("emoji \xF0\x9F\x98\x80")})}));
    auto causes = validate_profile(p);
    ASSERT_EQ(causes.size(), 1u);
    EXPECT_EQ(causes[0].summary,
              "nested: Characters outside the Basic Multilingual Plane are not supported");

    Json keyed = profile("isaac.brock@example.com", "isaac.brock@example.com", "Isaac", "Brock");
    Json inner = Json::object();
    inner.set("\xF0\x9F\x98\x80", 1);
    keyed.set("deep", inner);
    EXPECT_EQ(validate_profile(keyed).size(), 1u);

    for (std::string name : {std::string("\xF0\x9F\x98\x80"), std::string(""),
                             std::string("new\nline"), std::string(1025, 'a')}) {
        Json named = profile("isaac.brock@example.com", "isaac.brock@example.com", "I", "B");
        named.set(name, "x");
        auto c = validate_profile(named);
        ASSERT_EQ(c.size(), 1u) << name;
        EXPECT_TRUE(c[0].summary.starts_with("profile: Attribute names")) << c[0].summary;
    }
}

TEST(ProfileRules, AProfileHasASizeLimit) {
    Json p = profile("isaac.brock@example.com", "isaac.brock@example.com", "Isaac", "Brock");
    p.set("blob", std::string(kMaxProfileBytes - 200, 'x'));
    EXPECT_TRUE(validate_profile(p).empty());
    p.set("blob", std::string(kMaxProfileBytes, 'x'));
    auto causes = validate_profile(p);
    ASSERT_EQ(causes.size(), 1u);
    EXPECT_TRUE(causes[0].summary.starts_with("profile: The profile cannot exceed 65536 bytes"));
}
