// Golden files: the stored shape of events and state must never change by accident. A deliberate
// change of shape adds an upcaster and new golden files; set IDLEDGER_UPDATE_GOLDEN=1 to rewrite.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "idledger/domain/api_token.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/identity_provider.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/linked_object.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/sms_template.hpp"
#include "idledger/domain/threat_insight.hpp"
#include "idledger/domain/trusted_origin.hpp"
#include "idledger/domain/user_decide.hpp"

using namespace idledger::domain;

namespace {

std::string golden_path(const std::string& name) { return std::string(GOLDEN_DIR) + "/" + name; }

void expect_golden(const std::string& name, const std::string& actual) {
    if (std::getenv("IDLEDGER_UPDATE_GOLDEN")) {
        std::ofstream(golden_path(name)) << actual << "\n";
        return;
    }
    std::ifstream in(golden_path(name));
    ASSERT_TRUE(in) << "missing golden file " << name;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string expected = ss.str();
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_EQ(actual, expected) << "the stored shape of " << name << " changed";
}

std::string lines(const std::vector<Event>& events) {
    std::string out;
    for (const auto& e : events) out += e.type + " " + e.data.dump() + "\n";
    return out;
}

CreateUserCommand fixed_user() {
    CreateUserCommand c;
    c.id = "00u00000000000000001";
    c.type_id = "otyidledgerdefault01";
    c.profile.set("login", "isaac.brock@example.com");
    c.profile.set("email", "isaac.brock@example.com");
    c.profile.set("firstName", "Isaac");
    c.profile.set("lastName", "Brock");
    StoredPassword pw;
    pw.algorithm = "ARGON2ID";
    pw.value = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    c.password = pw;
    c.recovery =
        RecoveryQuestion{"Favourite colour?", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$YW5zd2Vy"};
    return c;
}

}  // namespace

TEST(Golden, UserEventsAndState) {
    auto created = decide_create(fixed_user(), false);
    ASSERT_TRUE(created);
    User u;
    Millis t = 1'700'000'000'000;
    for (const auto& e : *created) evolve(u, e, t);
    auto suspended = decide_lifecycle(u, {LifecycleOp::Suspend, std::nullopt});
    ASSERT_TRUE(suspended);
    for (const auto& e : *suspended) evolve(u, e, t + 1000);
    expect_golden("user_events.txt", lines(*created) + lines(*suspended));
    expect_golden("user_state.json", u.to_state_json().dump());
}

TEST(Golden, TokenEventsAndMetadata) {
    ApiToken t;
    t.id = "00T00000000000000001";
    t.name = "automation";
    t.user_id = "00u00000000000000001";
    t.digest = token_digest("00secret");
    EventMetadata m{"00u00000000000000001", "reqId123", "00T00000000000000001", "127.0.0.1",
                    "curl/8"};
    expect_golden("token_events.txt",
                  lines({decide_token_create(t).front(),
                         decide_token_revoke(Json::object(), t.id).value().front()}) +
                      m.encode());
}

TEST(Golden, OrgConfigurationEvents) {
    Json sms = Json::object();
    sms.set("name", "Custom");
    sms.set("type", "SMS_VERIFY_CODE");
    sms.set("template", "${org.name}: your code is ${code}");
    Json translations = Json::object();
    translations.set("es", "${org.name}: el codigo es ${code}");
    sms.set("translations", translations);
    Json origin = Json::object();
    origin.set("name", "Portal");
    origin.set("origin", "https://portal.example.com");
    Json scope = Json::object();
    scope.set("type", "CORS");
    origin.set("scopes", Json(JsonArray{scope}));
    Json zone = Json::object();
    zone.set("name", "Office");
    zone.set("usage", "POLICY");
    Json cidr = Json::object();
    cidr.set("type", "CIDR");
    cidr.set("value", "10.0.0.0/8");
    zone.set("gateways", Json(JsonArray{cidr}));
    zone.set("proxies", nullptr);
    auto threat = decide_threat_insight(
        std::nullopt, *parse_json(R"({"action":"audit","excludeZones":["nzo00000000000000001"]})"),
        [](const std::string&) { return std::optional<Json>(*parse_json(R"({"type":"IP"})")); },
        1'700'000'000'000);
    ASSERT_TRUE(threat);
    std::vector<Event> all;
    for (auto& e : decide_sms_template_create("cst00000000000000001", sms)) all.push_back(e);
    for (auto& e : decide_sms_template_delete()) all.push_back(e);
    for (auto& e :
         decide_trusted_origin_create("tos00000000000000001", origin, "00u00000000000000001"))
        all.push_back(e);
    for (auto& e : decide_zone_create("nzo00000000000000001", zone)) all.push_back(e);
    for (auto& e : *threat) all.push_back(e);
    expect_golden("org_config_events.txt", lines(all));
}

TEST(Golden, GroupEvents) {
    Json profile = Json::object();
    profile.set("name", "Engineering");
    profile.set("description", "Builders");
    std::vector<Event> all =
        decide_group_create("00g00000000000000001", "OKTA_GROUP", profile, "00u00000000000000001");
    const Json state = *parse_json(R"({"type":"OKTA_GROUP"})");
    const std::string user = "00u00000000000000002", actor = "00u00000000000000001";
    auto added = decide_group_membership(state, user, true, false, actor);
    auto removed = decide_group_membership(state, user, false, true, actor);
    auto deleted = decide_group_delete(state);
    ASSERT_TRUE(added && removed && deleted);
    for (const auto* events : {&*added, &*removed, &*deleted})
        all.insert(all.end(), events->begin(), events->end());
    expect_golden("group_events.txt", lines(all));
}

TEST(Golden, RelationshipEvents) {
    const std::string actor = "00u00000000000000001", user = "00u00000000000000002";
    const UniqueLookup nobody = [](std::string_view, std::string_view) {
        return std::optional<std::string>{};
    };
    auto app = app_from_body(*parse_json(
        R"({"name":"oidc_client","label":"Portal","credentials":{"oauthClient":{
            "client_secret":"golden-secret-0123456789"}},"settings":{"oauthClient":{
            "redirect_uris":["https://a.example.com/cb"]}}})"));
    ASSERT_TRUE(app);
    std::vector<Event> all = decide_app_create("0oa00000000000000001", *app, true, actor);
    const Json app_state = *parse_json(R"({"id":"0oa00000000000000001","status":"INACTIVE"})");
    for (auto& e : decide_app_user_assign(user, std::nullopt, "0ua00000000000000001", actor))
        all.push_back(e);
    for (auto& e : decide_app_group_assign("00g00000000000000001", std::nullopt, int64_t{1},
                                           "0ua00000000000000002", actor))
        all.push_back(e);
    for (auto& e : decide_app_unassign(kAppUsers, user, true, "system", "deprovisioned"))
        all.push_back(e);
    auto deleted = decide_app_delete(app_state, actor);
    ASSERT_TRUE(deleted);
    all.insert(all.end(), deleted->begin(), deleted->end());
    auto idp = idp_from_body(*parse_json(R"({"type":"GOOGLE","name":"Google","protocol":{
        "type":"OIDC","credentials":{"client":{"client_id":"cid","client_secret":"s"}}}})"),
                             nobody);
    ASSERT_TRUE(idp);
    for (auto& e : decide_idp_create("0oa00000000000000002", *idp, true, actor)) all.push_back(e);
    for (auto& e : decide_idp_link(user, "ext-1", std::nullopt, actor)) all.push_back(e);
    auto def =
        linked_object_definition(*parse_json(R"({"primary":{"name":"manager","title":"Manager"},
                        "associated":{"name":"subordinate","title":"Subordinate"}})"),
                                 nobody);
    ASSERT_TRUE(def);
    for (auto& e : decide_linked_object_create(*def, actor)) all.push_back(e);
    const std::string p = link_side("manager", 9, actor), a = link_side("manager", 9, user);
    for (auto& e : decide_link(p, a, std::nullopt, actor)) all.push_back(e);
    expect_golden("relationship_events.txt", lines(all));
}
