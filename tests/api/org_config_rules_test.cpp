// Org configuration rules through the in-memory harness: the CORS stage against trusted origins,
// and the kit resources' answers, without a socket.

#include <gtest/gtest.h>

#include "support/api_harness.hpp"

using idledger::testing::ApiHarness;
using idledger::testing::ApiReply;

namespace {

ApiHarness& api() {
    static ApiHarness harness;
    return harness;
}

ApiReply preflight(const std::string& origin, const std::string& path = "/api/v1/users") {
    return api().request("OPTIONS", path, {}, std::string(),
                         {{"origin", origin},
                          {"access-control-request-method", "GET"},
                          {"access-control-request-headers", "authorization"}});
}

ApiReply get_from(const std::string& origin, const std::string& path = "/api/v1/users/me") {
    return api().request("GET", path, {}, std::nullopt, {{"origin", origin}});
}

std::string create_origin(const std::string& name, const std::string& origin,
                          const std::string& scopes = R"([{"type":"CORS"}])") {
    auto r = api().post("/api/v1/trustedOrigins", R"({"name":")" + name + R"(","origin":")" +
                                                      origin + R"(","scopes":)" + scopes + "}");
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body.string_at("id");
}

}  // namespace

TEST(Cors, AnUntrustedOriginGetsNoCorsHeadersAndItsPreflightIsRefused) {
    auto r = get_from("https://untrusted.example.com");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), nullptr);
    ASSERT_NE(r.header("Vary"), nullptr);
    EXPECT_EQ(*r.header("Vary"), "Origin");
    auto p = preflight("https://untrusted.example.com");
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(p.header("Access-Control-Allow-Origin"), nullptr);
}

TEST(Cors, ATrustedOriginIsAnsweredWithTheOriginEchoedAndTheHeadersExposed) {
    create_origin("cors-app", "https://App.Example.com:443/");
    // The browser sends the normalized form: scheme and host lower-case, no default port.
    auto p = preflight("https://app.example.com");
    EXPECT_EQ(p.status, 200) << p.text;
    ASSERT_NE(p.header("Access-Control-Allow-Origin"), nullptr);
    EXPECT_EQ(*p.header("Access-Control-Allow-Origin"), "https://app.example.com");
    ASSERT_NE(p.header("Access-Control-Allow-Headers"), nullptr);
    for (const char* h : {"Authorization", "Content-Type", "X-Okta-User-Agent-Extended"})
        EXPECT_NE(p.header("Access-Control-Allow-Headers")->find(h), std::string::npos) << h;
    ASSERT_NE(p.header("Access-Control-Allow-Methods"), nullptr);
    EXPECT_NE(p.header("Access-Control-Allow-Methods")->find("DELETE"), std::string::npos);
    ASSERT_NE(p.header("Access-Control-Max-Age"), nullptr);
    EXPECT_EQ(p.header("Content-Type"), nullptr);

    auto r = get_from("https://app.example.com");
    EXPECT_EQ(r.status, 200);
    ASSERT_NE(r.header("Access-Control-Allow-Origin"), nullptr);
    EXPECT_EQ(*r.header("Access-Control-Allow-Origin"), "https://app.example.com");
    ASSERT_NE(r.header("Access-Control-Expose-Headers"), nullptr);
    for (const char* h : {"Link", "X-Okta-Request-Id", "X-Rate-Limit-Remaining"})
        EXPECT_NE(r.header("Access-Control-Expose-Headers")->find(h), std::string::npos) << h;
    // Errors are readable too (the page sees Okta's error object).
    auto e = get_from("https://app.example.com", "/api/v1/users/00uNoSuchUser0000001");
    EXPECT_EQ(e.status, 404);
    EXPECT_NE(e.header("Access-Control-Allow-Origin"), nullptr);
    // Another port is another origin.
    EXPECT_EQ(get_from("https://app.example.com:8443").header("Access-Control-Allow-Origin"),
              nullptr);
}

TEST(Cors, DeactivationAndScopeChangesWithdrawTrustAtOnce) {
    const std::string id = create_origin("cors-temp", "http://127.0.0.1:5173");
    EXPECT_NE(get_from("http://127.0.0.1:5173").header("Access-Control-Allow-Origin"), nullptr);
    EXPECT_EQ(api().post("/api/v1/trustedOrigins/" + id + "/lifecycle/deactivate").status, 200);
    EXPECT_EQ(get_from("http://127.0.0.1:5173").header("Access-Control-Allow-Origin"), nullptr);
    EXPECT_EQ(preflight("http://127.0.0.1:5173").status, 403);
    EXPECT_EQ(api().post("/api/v1/trustedOrigins/" + id + "/lifecycle/activate").status, 200);
    EXPECT_NE(get_from("http://127.0.0.1:5173").header("Access-Control-Allow-Origin"), nullptr);
    auto put = api().request(
        "PUT", "/api/v1/trustedOrigins/" + id,
        R"({"name":"cors-temp","origin":"http://127.0.0.1:5173","scopes":[{"type":"REDIRECT"}]})");
    EXPECT_EQ(put.status, 200) << put.text;
    EXPECT_EQ(get_from("http://127.0.0.1:5173").header("Access-Control-Allow-Origin"), nullptr);
    EXPECT_EQ(api().request("DELETE", "/api/v1/trustedOrigins/" + id).status, 200);
}

TEST(OrgConfig, EveryKitResourceAnswers404WithItsOwnName) {
    for (auto [path, kind] : {std::pair{"/api/v1/templates/sms/cstNope", "SmsTemplate"},
                              {"/api/v1/trustedOrigins/tosNope", "TrustedOrigin"},
                              {"/api/v1/zones/nzoNope", "NetworkZone"},
                              {"/api/v1/api-tokens/00TNope", "ApiToken"}}) {
        auto r = api().get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_NE(r.body.string_at("errorSummary").find(std::string("(") + kind + ")"),
                  std::string::npos)
            << r.text;
    }
}

TEST(OrgConfig, ThreatInsightNamesTheUnknownZoneInItsCause) {
    auto r = api().post("/api/v1/threats/configuration",
                        R"({"action":"audit","excludeZones":["nzoMissing"]})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body.string_at("errorCode"), "E0000001");
    EXPECT_NE(r.text.find("nzoMissing"), std::string::npos);
}
