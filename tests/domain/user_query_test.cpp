#include "idledger/domain/user_query.hpp"

#include <gtest/gtest.h>

using namespace idledger::domain;

namespace {
User sample() {
    User u;
    u.id = "00uabc";
    u.status = UserStatus::LockedOut;
    u.created = *parse_iso8601("2020-01-01T00:00:00.000Z");
    u.last_updated = *parse_iso8601("2021-06-01T00:00:00.000Z");
    u.type_id = "oty1";
    u.profile.set("login", "Isaac.Brock@example.com");
    u.profile.set("firstName", "Isaac");
    u.profile.set("lastName", "Brock");
    u.profile.set("email", "isaac.brock@example.com");
    u.profile.set("department", "Engineering");
    u.profile.set("skills", Json(JsonArray{Json("rust"), Json("c++")}));
    u.profile.set("level", 3);
    return u;
}

bool f(std::string_view q) {
    auto n = parse_user_query(q, QueryMode::Filter);
    EXPECT_TRUE(n) << q;
    return n && matches(*n, sample(), QueryMode::Filter);
}
bool s(std::string_view q) {
    auto n = parse_user_query(q, QueryMode::Search);
    EXPECT_TRUE(n) << q;
    return n && matches(*n, sample(), QueryMode::Search);
}
ErrorCode err(std::string_view q, QueryMode m) {
    auto n = parse_user_query(q, m);
    EXPECT_FALSE(n) << q;
    return n ? ErrorCode::InternalError : n.error().code;
}
}  // namespace

TEST(Filter, EqualityAndLastUpdatedRanges) {
    EXPECT_TRUE(f(R"(status eq "LOCKED_OUT")"));
    EXPECT_FALSE(f(R"(status eq "ACTIVE")"));
    EXPECT_TRUE(f(R"(lastUpdated gt "2021-01-01T00:00:00.000Z")"));
    EXPECT_FALSE(f(R"(lastUpdated lt "2021-01-01T00:00:00.000Z")"));
    EXPECT_TRUE(f(
        R"(lastUpdated gt "2013-06-01T00:00:00.000Z" and (status eq "LOCKED_OUT" or status eq "RECOVERY"))"));
    EXPECT_TRUE(f(R"(profile.firstName eq "Isaac" AND profile.lastName Eq "Brock")"));
    EXPECT_FALSE(f(R"(profile.firstName eq "isaac")"));  // filter values are case-sensitive
}

TEST(Filter, RefusesWhatOktaRefuses) {
    EXPECT_EQ(err(R"(profile.department eq "x")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(status sw "A")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(status eq "NOPE")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(status eq)", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"((status eq "ACTIVE")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(lastUpdated gt "yesterday")", QueryMode::Filter), ErrorCode::InvalidDate);
}

TEST(Search, OperatorsOnProfileAndTopLevel) {
    EXPECT_TRUE(s(R"(profile.department eq "engineering")"));  // case-insensitive
    EXPECT_TRUE(s(R"(profile.lastName sw "br")"));
    EXPECT_TRUE(s(R"(profile.email co "brock@")"));
    EXPECT_TRUE(s(R"(profile.skills eq "rust")"));  // any element of an array
    EXPECT_TRUE(s(R"(profile.level gt 2)"));
    EXPECT_TRUE(s(R"(profile.department pr)"));
    EXPECT_FALSE(s(R"(profile.nickName pr)"));
    EXPECT_TRUE(s(R"(type.id eq "oty1" and created lt "2021-01-01T00:00:00.000Z")"));
    EXPECT_TRUE(s(R"(id eq "00uabc")"));
}

TEST(Search, RefusesNeAndCoOutsideTheNamedFields) {
    EXPECT_EQ(err(R"(status ne "ACTIVE")", QueryMode::Search), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(profile.department co "x")", QueryMode::Search), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(password eq "x")", QueryMode::Search), ErrorCode::InvalidSearch);
    EXPECT_EQ(err("", QueryMode::Search), ErrorCode::InvalidSearch);
}

TEST(Search, DeepNestingIsRefusedNotACrash) {
    std::string q(200, '(');
    EXPECT_EQ(err(q, QueryMode::Search), ErrorCode::InvalidSearch);
}

TEST(Filter, StringLiteralsHaveJsonEscapes) {
    EXPECT_TRUE(f(R"(profile.firstName eq "\u0049saac")"));
    EXPECT_TRUE(f(R"(profile.lastName eq "Br\u006fck")"));
    EXPECT_FALSE(f(R"(profile.firstName eq "Is\"aac")"));
    EXPECT_EQ(err(R"(profile.firstName eq "a\u12")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(profile.firstName eq "a\u12zz")", QueryMode::Search),
              ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(profile.firstName eq "\ud800")", QueryMode::Filter), ErrorCode::InvalidSearch);
    EXPECT_EQ(err(R"(profile.firstName eq "\q")", QueryMode::Filter), ErrorCode::InvalidSearch);
}
