// Endpoint rules through the in-memory API harness: the dispatcher's stages and the Users
// handlers, without a socket.

#include <gtest/gtest.h>

#include "support/api_harness.hpp"

using idledger::testing::ApiHarness;
using idledger::testing::ApiReply;

namespace {

ApiHarness& api() {
    static ApiHarness harness;  // one org for the whole file: each test uses its own users
    return harness;
}

void expect_okta_error(const ApiReply& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.text;
    EXPECT_EQ(r.body.string_at("errorCode"), code) << r.text;
    EXPECT_EQ(r.body.string_at("errorLink"), code);
    EXPECT_TRUE(r.body.string_at("errorId").starts_with("oae"));
    ASSERT_NE(r.body.find("errorCauses"), nullptr);
}

std::string user_body(const std::string& login) {
    return R"({"profile":{"firstName":"Ada","lastName":"Lovelace","email":")" + login +
           R"(","login":")" + login + R"("}})";
}

}  // namespace

TEST(UsersRules, CreateNamesEveryMissingFieldAsACause) {
    auto r = api().post("/api/v1/users", R"({"profile":{}})");
    expect_okta_error(r, 400, "E0000001");
    EXPECT_EQ(r.body.find("errorCauses")->as_array().size(), 4u) << r.text;
    EXPECT_EQ(r.body.string_at("errorSummary"), "Api validation failed: login");
}

TEST(UsersRules, ADuplicateLoginIsACauseOnLogin) {
    ASSERT_EQ(api().post("/api/v1/users?activate=false", user_body("dup@example.com")).status, 200);
    auto again = api().post("/api/v1/users?activate=false", user_body("DUP@example.com"));
    expect_okta_error(again, 400, "E0000001");
    EXPECT_EQ(again.body.find("errorCauses")->as_array()[0].string_at("errorSummary"),
              "login: An object with this field already exists in the current organization");
}

TEST(UsersRules, TheDispatcherStagesAnswerAsOktaDoes) {
    expect_okta_error(api().get("/api/v1/nothing"), 404, "E0000008");
    expect_okta_error(api().request("PATCH", "/api/v1/users"), 405, "E0000022");
    expect_okta_error(api().request("GET", "/api/v1/users", {}, std::string()), 403, "E0000005");
    expect_okta_error(api().request("GET", "/api/v1/users", {}, std::string("nope")), 401,
                      "E0000011");
    expect_okta_error(api().request("POST", "/api/v1/users", "{}", std::nullopt,
                                    {{"content-type", "text/plain"}}),
                      400, "E0000021");
    expect_okta_error(api().request("POST", "/api/v1/users", "{}", std::nullopt,
                                    {{"content-type", "application/jsonx"}}),
                      400, "E0000021");
    auto head = api().request("HEAD", "/api/v1/users/me");
    EXPECT_EQ(head.status, 200);
    ASSERT_NE(head.header("Cache-Control"), nullptr);
    EXPECT_EQ(*head.header("Cache-Control"), "no-cache, no-store");
    ASSERT_NE(head.header("X-Okta-Request-Id"), nullptr);
}

TEST(UsersRules, SortOrderAndSortByAreChecked) {
    expect_okta_error(
        api().get("/api/v1/users?search=status%20eq%20%22ACTIVE%22&sortBy=profile.login"
                  "&sortOrder=sideways"),
        400, "E0000001");
    expect_okta_error(api().get("/api/v1/users?search=status%20eq%20%22ACTIVE%22&sortBy=nope"), 400,
                      "E0000031");
}

TEST(UsersRules, TheLastSuperAdministratorCannotSuspendItself) {
    auto r = api().post("/api/v1/users/me/lifecycle/suspend");
    expect_okta_error(r, 403, "E0000006");
    EXPECT_EQ(api().get("/api/v1/users/me").body.string_at("status"), "ACTIVE");
}

TEST(UsersRules, UnconditionalUpdatesAreMergedOnTheWriter) {
    auto created = api().post("/api/v1/users?activate=false", user_body("merge@example.com"));
    ASSERT_EQ(created.status, 200) << created.text;
    const std::string id = created.body.string_at("id");
    ASSERT_EQ(api().post("/api/v1/users/" + id, R"({"profile":{"a":1}})").status, 200);
    ASSERT_EQ(api().post("/api/v1/users/" + id, R"({"profile":{"b":2}})").status, 200);
    auto got = api().get("/api/v1/users/" + id);
    const auto* profile = got.body.find("profile");
    ASSERT_NE(profile, nullptr);
    EXPECT_NE(profile->find("a"), nullptr);
    EXPECT_NE(profile->find("b"), nullptr);
    auto stale = api().request("POST", "/api/v1/users/" + id, R"({"profile":{"c":3}})",
                               std::nullopt, {{"if-match", "\"stale\""}});
    expect_okta_error(stale, 412, "E0000231");
}
