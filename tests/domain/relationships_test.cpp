// Applications', identity providers' and linked objects' rules as given/when/then: pure domain,
// no store.

#include <gtest/gtest.h>

#include "idledger/domain/app.hpp"
#include "idledger/domain/identity_provider.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/linked_object.hpp"
#include "idledger/domain/password_hash.hpp"

using namespace idledger::domain;

namespace {

Json json(std::string_view text) {
    auto j = parse_json(text);
    EXPECT_TRUE(j) << text;
    return j ? *j : Json(nullptr);
}

std::optional<Json> fold(const ResourceKind& kind, std::optional<Json> state,
                         const std::vector<Event>& events, Millis at = 1000) {
    for (const auto& e : events) kind.evolve(state, e, at);
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

const char* kWebClient = R"({"name":"oidc_client","label":"Portal","settings":{"oauthClient":{
    "redirect_uris":["https://a.example.com/cb"],"grant_types":["authorization_code"],
    "response_types":["code"],"application_type":"web"}}})";

}  // namespace

// ---- applications ---------------------------------------------------------------------------

TEST(Apps, AConfidentialClientGetsASecretShownOnceAndStoredAsADigest) {
    auto draft = app_from_body(json(kWebClient));
    ASSERT_TRUE(draft) << draft.error().detail;
    ASSERT_TRUE(draft->client_secret);
    const std::string secret = *draft->client_secret;
    auto events = decide_app_create("0oa1", *draft, true, "00u1");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data.dump().find(secret), std::string::npos)
        << "the secret is in the event";
    auto state = fold(kApps, std::nullopt, events);
    ASSERT_TRUE(state);
    const Json& client = *state->find("credentials")->find("oauthClient");
    EXPECT_EQ(client.string_at("client_id"), "0oa1");
    EXPECT_EQ(client.string_at("client_secret_digest"), token_digest(secret));
    EXPECT_EQ(state->string_at("status"), "ACTIVE");
}

TEST(Apps, ReplacingKeepsTheSecretUnlessANewOneIsGiven) {
    auto draft = app_from_body(json(kWebClient));
    ASSERT_TRUE(draft);
    auto state = fold(kApps, std::nullopt, decide_app_create("0oa1", *draft, true, "00u1"));
    auto same = app_from_body(json(kWebClient), &*state);
    ASSERT_TRUE(same);
    EXPECT_FALSE(same->client_secret);
    EXPECT_TRUE(decide_app_update(*state, *same, "00u1").empty()) << "nothing changed";
    Json body = json(kWebClient);
    body.set("credentials",
             json(R"({"oauthClient":{"client_secret":"a-new-secret-of-20-chars"}})"));
    auto renewed = app_from_body(body, &*state);
    ASSERT_TRUE(renewed);
    EXPECT_EQ(renewed->client_secret, "a-new-secret-of-20-chars");
    EXPECT_EQ(decide_app_update(*state, *renewed, "00u1").size(), 1u);
}

TEST(Apps, OAuthRulesBetweenTypeGrantsResponsesAndRedirects) {
    // The causes of the web client with `changes` made to its settings.oauthClient.
    auto refused = [](std::string_view changes) {
        Json body = json(kWebClient);
        Json* oauth = body.find("settings")->find("oauthClient");
        const Json with = json(changes);
        for (const auto& [k, v] : with.as_object()) oauth->set(k, v);
        auto r = app_from_body(body);
        return r ? std::vector<std::string>{} : cause_texts(r.error());
    };
    // client_credentials for a browser app, and a browser app's default method stays public.
    EXPECT_EQ(refused(R"({"application_type":"browser",
                         "grant_types":["authorization_code","client_credentials"]})")
                  .size(),
              1u);
    EXPECT_FALSE(refused(R"({"redirect_uris":[]})").empty());
    EXPECT_FALSE(refused(R"({"response_types":["id_token"]})").empty());
    EXPECT_FALSE(refused(R"({"grant_types":["implicit"],"response_types":["code"]})").empty());
    EXPECT_TRUE(refused(R"({"grant_types":["implicit","authorization_code"],
                            "response_types":["code","id_token"]})")
                    .empty());
    EXPECT_FALSE(refused(R"({"redirect_uris":["/relative"]})").empty());
    EXPECT_TRUE(
        refused(R"({"application_type":"native","redirect_uris":["com.example.app:/cb"]})").empty())
        << "native apps may use private-use URI schemes";
    EXPECT_FALSE(refused(R"({"application_type":"service","grant_types":["client_credentials"],
                            "response_types":["token"],"redirect_uris":[],
                            "consent_method":"SOMETIMES"})")
                     .empty());
}

TEST(Apps, ABookmarkNeedsAWebUrlAndNameAndModeAreFixed) {
    auto ok = app_from_body(json(R"({"name":"bookmark","label":"Wiki",
        "settings":{"app":{"url":"https://wiki.example.com"}}})"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->app.string_at("signOnMode"), "BOOKMARK");
    EXPECT_FALSE(ok->client_secret);
    auto state = fold(kApps, std::nullopt, decide_app_create("0oa2", *ok, false, "00u1"));
    EXPECT_EQ(state->string_at("status"), "INACTIVE");
    auto mode = app_from_body(json(R"({"name":"bookmark","label":"Wiki","signOnMode":"SAML_2_0",
        "settings":{"app":{"url":"https://wiki.example.com"}}})"));
    ASSERT_FALSE(mode);
    EXPECT_EQ(cause_texts(mode.error()),
              std::vector<std::string>{"signOnMode: The sign-on mode of 'bookmark' is BOOKMARK"});
    auto renamed = app_from_body(json(kWebClient), &*state);
    ASSERT_FALSE(renamed);
    EXPECT_EQ(cause_texts(renamed.error())[0],
              "name: The name of an application cannot be changed");
}

TEST(Apps, OnlyAnInactiveAppIsDeletedAndLifecycleIsIdempotent) {
    auto draft = app_from_body(json(kWebClient));
    auto state = fold(kApps, std::nullopt, decide_app_create("0oa1", *draft, true, "00u1"));
    auto refused = decide_app_delete(*state, "00u1");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::DeleteAppForbidden);
    EXPECT_TRUE(decide_app_status(*state, true, "00u1").empty());
    state = fold(kApps, state, decide_app_status(*state, false, "00u1"));
    EXPECT_EQ(state->string_at("status"), "INACTIVE");
    auto deleted = decide_app_delete(*state, "00u1");
    ASSERT_TRUE(deleted);
    EXPECT_FALSE(fold(kApps, state, *deleted));
}

TEST(Apps, AssignmentsAreIdempotentAndAGroupsPriorityMayChange) {
    EXPECT_EQ(decide_app_user_assign("00u1", std::nullopt, "0ua1", "00u9").size(), 1u);
    EXPECT_TRUE(
        decide_app_user_assign("00u1", json(R"({"assignmentId":"0ua1"})"), "0ua2", "00u9").empty());
    auto first = decide_app_group_assign("00g1", std::nullopt, std::nullopt, "0ua1", "00u9");
    ASSERT_EQ(first.size(), 1u);
    const Json held = json(R"({"assignmentId":"0ua1","priority":2})");
    EXPECT_TRUE(decide_app_group_assign("00g1", held, std::nullopt, "0ua2", "00u9").empty());
    EXPECT_TRUE(decide_app_group_assign("00g1", held, int64_t{2}, "0ua2", "00u9").empty());
    auto moved = decide_app_group_assign("00g1", held, int64_t{5}, "0ua2", "00u9");
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(moved[0].data.string_at("assignmentId"), "0ua1") << "the assignment keeps its id";
    EXPECT_TRUE(decide_app_unassign(kAppUsers, "00u1", false, "00u9").empty());
    auto gone = decide_app_unassign(kAppUsers, "00u1", true, "system", "deprovisioned");
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].data.string_at("reason"), "deprovisioned");
    EXPECT_FALSE(check_app_user_body(json(R"({"id":"00u1","scope":"GROUP"})")));
    EXPECT_FALSE(app_group_priority(json(R"({"priority":"high"})")));
}

// ---- identity providers ---------------------------------------------------------------------

TEST(Idps, ASocialIdpKeepsOnlyTheDigestOfItsClientSecret) {
    auto idp = idp_from_body(json(R"({"type":"GOOGLE","name":"Google","protocol":{"type":"OIDC",
        "credentials":{"client":{"client_id":"cid","client_secret":"shh-secret"}}}})"),
                             kNobody);
    ASSERT_TRUE(idp);
    auto events = decide_idp_create("0oa1", *idp, true, "00u1");
    EXPECT_EQ(events[0].data.dump().find("shh-secret"), std::string::npos);
    auto state = fold(kIdps, std::nullopt, events);
    const Json& client = *state->find("protocol")->find("credentials")->find("client");
    EXPECT_EQ(client.string_at("client_secret_digest"), token_digest("shh-secret"));
    EXPECT_EQ(state->find("protocol")->find("scopes")->as_array().size(), 3u);
    // A replace without a secret keeps it; the type stays.
    auto again = idp_from_body(json(R"({"type":"GOOGLE","name":"Google","protocol":{"type":"OIDC",
        "credentials":{"client":{"client_id":"cid"}}}})"),
                               kNobody, &*state, "0oa1");
    ASSERT_TRUE(again);
    EXPECT_TRUE(decide_idp_update(*state, *again, "00u1").empty());
    auto retyped = idp_from_body(json(R"({"type":"FACEBOOK","name":"Google"})"), kNobody, &*state);
    ASSERT_FALSE(retyped);
}

TEST(Idps, LinksAreReplacedOnlyByADifferentExternalId) {
    EXPECT_EQ(decide_idp_link("00u1", "ext", std::nullopt, "00u9").size(), 1u);
    EXPECT_TRUE(decide_idp_link("00u1", "ext", json(R"({"externalId":"ext"})"), "00u9").empty());
    EXPECT_EQ(decide_idp_link("00u1", "ext2", json(R"({"externalId":"ext"})"), "00u9").size(), 1u);
    EXPECT_FALSE(idp_link_external_id(json(R"({"externalId":""})")));
    EXPECT_TRUE(decide_idp_unlink("00u1", false, "00u9").empty());
}

// ---- linked objects -------------------------------------------------------------------------

TEST(LinkedObjects, NamesFollowOktasRulesAndAreUniqueAcrossBothSides) {
    const char* body = R"({"primary":{"name":"manager","title":"Manager","type":"USER"},
        "associated":{"name":"subordinate","title":"Subordinate","type":"USER"}})";
    auto def = linked_object_definition(json(body), kNobody);
    ASSERT_TRUE(def);
    auto state = fold(kLinkedObjects, std::nullopt, decide_linked_object_create(*def, "00u1"));
    EXPECT_EQ(state->string_at("id"), "manager");
    auto keys = kLinkedObjects.unique_keys(*state);
    EXPECT_EQ(keys, (std::vector<IndexKey>{{"name", "manager"}, {"name", "subordinate"}}));

    auto associated_taken = [](std::string_view, std::string_view v) {
        return v == "subordinate" ? std::optional<std::string>("manager") : std::nullopt;
    };
    auto conflict = linked_object_definition(json(body), associated_taken);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, ErrorCode::LinkedObjectConflict);
    ASSERT_EQ(conflict.error().causes.size(), 1u);
    EXPECT_EQ(conflict.error().causes[0].summary,
              "Linked object identifier for associated is already in use.");
    EXPECT_EQ(conflict.error().causes[0].reason, "UNIQUE_CONSTRAINT");

    auto bad = linked_object_definition(
        json(R"({"primary":{"name":"9lives","title":"x"},"associated":{"name":"ok_name"}})"),
        kNobody);
    ASSERT_FALSE(bad);
    EXPECT_EQ(cause_texts(bad.error()).size(), 2u);  // a leading digit; a missing title
}

TEST(LinkedObjects, ANewPrimaryReplacesTheOldOneAndTheSameOneDecidesNothing) {
    const std::string a = link_side("manager", 7, "00ua"), p = link_side("manager", 7, "00up"),
                      q = link_side("manager", 7, "00uq");
    EXPECT_EQ(user_of_side(p), "00up");
    auto first = decide_link(p, a, std::nullopt, "00u1");
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].type, linked_object_event::kLinked);
    EXPECT_TRUE(decide_link(p, a, p, "00u1").empty());
    auto replaced = decide_link(q, a, p, "00u1");
    ASSERT_EQ(replaced.size(), 2u);
    EXPECT_EQ(replaced[0].type, linked_object_event::kUnlinked);
    EXPECT_EQ(replaced[0].data.string_at("primary"), p);
    EXPECT_EQ(replaced[1].data.string_at("primary"), q);
    EXPECT_TRUE(decide_unlink(p, a, false, "00u1").empty());
}
