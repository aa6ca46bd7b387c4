// The authorization server's pure rules: PKCE (S256, computed independently), base64url, RS256 JWTs
// (sign, verify, tamper), clear values split into id and secret, scopes and their permissions,
// and how the OAuth documents evolve (a session token stays spent after its session ends).

#include "idledger/domain/oauth.hpp"

#include <gtest/gtest.h>

#include "idledger/domain/jwt.hpp"

using namespace idledger::domain;

TEST(OAuthRules, PkceAcceptsTheVerifiersS256ChallengeAndNothingElse) {
    const std::string verifier = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const std::string challenge = "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc";
    EXPECT_TRUE(pkce_matches(verifier, challenge, "S256"));
    EXPECT_FALSE(pkce_matches(verifier, challenge, "plain"));
    EXPECT_FALSE(pkce_matches(verifier + "x", challenge, "S256"));
    EXPECT_FALSE(pkce_matches("short", base64url(sha256("short")), "S256"));
    EXPECT_FALSE(
        pkce_matches(std::string(43, ' '), base64url(sha256(std::string(43, ' '))), "S256"));
}

TEST(OAuthRules, Base64urlRoundTripsEveryLengthAndRefusesStrangers) {
    std::string bytes;
    for (int n = 0; n < 70; ++n) {
        EXPECT_EQ(base64url_decode(base64url(bytes)), bytes) << n;
        bytes.push_back(char(n * 37 + 11));
    }
    EXPECT_EQ(base64url("\xfb\xff"), "-_8");
    EXPECT_FALSE(base64url_decode("ab+c"));
    EXPECT_FALSE(base64url_decode("abc="));
    EXPECT_FALSE(base64url_decode("a"));
}

TEST(OAuthRules, Rs256TokensVerifyWithTheirKeyOnlyAndNotWhenAltered) {
    const RsaKey key = RsaKey::generate();
    const RsaKey other = RsaKey::generate();
    Json claims = Json::object();
    claims.set("sub", "ünïcødé@example.com");
    claims.set("exp", int64_t{4102444800});
    const std::string token = jwt_sign(key, "kid-1", claims);
    auto parts = jwt_split(token);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->header.string_at("alg"), "RS256");
    EXPECT_EQ(parts->header.string_at("kid"), "kid-1");
    EXPECT_EQ(parts->claims, claims);
    EXPECT_TRUE(key.verify_rs256(parts->signing_input, parts->signature));
    EXPECT_FALSE(other.verify_rs256(parts->signing_input, parts->signature));
    // The same key read back from its PEM verifies; its JWK has no private member.
    auto again = RsaKey::from_pem(key.private_pem());
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->verify_rs256(parts->signing_input, parts->signature));
    const Json jwk = key.public_jwk("kid-1");
    EXPECT_EQ(jwk.string_at("kty"), "RSA");
    EXPECT_EQ(jwk.string_at("e"), "AQAB");
    EXPECT_EQ(jwk.find("d"), nullptr);
    // One changed claim, a dropped signature, garbage: refused.
    Json forged_claims = claims;
    forged_claims.set("sub", "admin@example.com");
    const std::string forged = base64url(parts->header.dump()) + "." +
                               base64url(forged_claims.dump()) + "." + base64url(parts->signature);
    auto f = jwt_split(forged);
    ASSERT_TRUE(f);
    EXPECT_FALSE(key.verify_rs256(f->signing_input, f->signature));
    EXPECT_FALSE(jwt_split(token.substr(0, token.rfind('.'))));
    EXPECT_FALSE(jwt_split("a.b.c"));
    EXPECT_FALSE(jwt_split(token + ".x"));
    EXPECT_FALSE(RsaKey::from_pem("-----BEGIN PRIVATE KEY-----\nnot a key\n"));
}

TEST(OAuthRules, AClearValueIsItsDocumentIdFollowedByItsSecret) {
    const std::string value = "oar" + std::string(17, 'A') + "secretSECRET123";
    auto parts = split_secret_value(value, "oar");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->id, "oar" + std::string(17, 'A'));
    EXPECT_EQ(parts->value, value);
    EXPECT_FALSE(split_secret_value(value, "oac"));
    EXPECT_FALSE(split_secret_value("oar" + std::string(17, 'A'), "oar"));  // no secret
    EXPECT_FALSE(split_secret_value("oar" + std::string(17, 'A') + "se/cret", "oar"));
}

TEST(OAuthRules, ScopesTheServersKnowAndWhatTheyPermit) {
    EXPECT_TRUE(find_scope("openid", false));
    EXPECT_FALSE(find_scope("openid", false)->consent);
    EXPECT_TRUE(find_scope("offline_access", true)->consent);
    EXPECT_TRUE(find_scope("okta.users.read", true));
    EXPECT_FALSE(find_scope("okta.users.read", false));  // the Management API's: org server only
    EXPECT_FALSE(find_scope("okta.users.delete", true));
    EXPECT_EQ(scope_permission("okta.users.manage"), "okta.users.manage");
    EXPECT_EQ(scope_permission("okta.users.read.self"), "okta.users.read.self");
    EXPECT_EQ(scope_permission("okta.users"), "");
    EXPECT_EQ(scope_permission("profile"), "");
    EXPECT_EQ(scope_id("default", "email"), scope_id("default", "email"));
    EXPECT_NE(scope_id("default", "email"), scope_id("org", "email"));
    EXPECT_EQ(scope_id("default", "email").size(), 20u);
}

TEST(OAuthDocuments, GivenAnEndedSessionItsTokenStaysSpentAndItLeavesItsUser) {
    std::optional<Json> s;
    Json data = Json::object();
    data.set("id", "102AAAAAAAAAAAAAAAAA");
    data.set("userId", "00u1");
    data.set("status", "ACTIVE");
    data.set("sessionTokenDigest", "d1");
    for (const auto& e : decide_issue(oauth_event::kSessionStarted, data))
        kSessions.evolve(s, e, 1000);
    ASSERT_TRUE(s);
    EXPECT_EQ(kSessions.group_keys(*s), (std::vector<IndexKey>{{"user", "00u1"}}));
    for (const auto& e : decide_end(oauth_event::kSessionEnded, "USER"))
        kSessions.evolve(s, e, 2000);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->string_at("status"), "ENDED");
    EXPECT_TRUE(kSessions.group_keys(*s).empty());
    EXPECT_EQ(kSessions.unique_keys(*s), (std::vector<IndexKey>{{"session_token", "d1"}}));
}

TEST(OAuthDocuments, GivenARefreshTokenRotationReplacesItsDigestAndRevocationEndsIt) {
    std::optional<Json> s;
    Json data = Json::object();
    data.set("id", "oarAAAAAAAAAAAAAAAAA");
    data.set("userId", "00u1");
    data.set("clientId", "0oa1");
    data.set("digest", "d1");
    for (const auto& e : decide_issue(oauth_event::kRefreshIssued, data))
        kOAuthRefreshTokens.evolve(s, e, 1000);
    EXPECT_EQ(kOAuthRefreshTokens.group_keys(*s),
              (std::vector<IndexKey>{
                  {"user", "00u1"}, {"client", "0oa1"}, {"user_client", "00u1/0oa1"}}));
    Json rotated = Json::object();
    rotated.set("digest", "d2");
    rotated.set("previousDigest", "d1");
    kOAuthRefreshTokens.evolve(s, make_event(oauth_event::kRefreshRotated, rotated), 2000);
    EXPECT_EQ(s->string_at("digest"), "d2");
    EXPECT_EQ(s->string_at("previousDigest"), "d1");
    EXPECT_EQ(s->find("created")->as_int(), 1000);
    for (const auto& e : decide_end(oauth_event::kRefreshRevoked, "REUSED"))
        kOAuthRefreshTokens.evolve(s, e, 3000);
    EXPECT_FALSE(s);
}
