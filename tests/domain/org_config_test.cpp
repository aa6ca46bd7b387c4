// The org configuration resources' rules as given/when/then: pure domain, no store.

#include <gtest/gtest.h>

#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/domain/sms_template.hpp"
#include "idledger/domain/threat_insight.hpp"
#include "idledger/domain/trusted_origin.hpp"

using namespace idledger::domain;

namespace {

Json json(std::string_view text) {
    auto j = parse_json(text);
    EXPECT_TRUE(j) << text;
    return j ? *j : Json(nullptr);
}

/// Folds `events` with the kind's evolve, as the projection does.
std::optional<Json> fold(const ResourceKind& kind, std::optional<Json> state,
                         const std::vector<Event>& events, Millis at = 1000) {
    for (const auto& e : events) kind.evolve(state, e, at);
    return state;
}

const UniqueLookup kNobody = [](std::string_view, std::string_view) {
    return std::optional<std::string>{};
};

}  // namespace

TEST(SmsTemplates, MergeAddsReplacesAndRemovesLanguagesKeyByKey) {
    // Given a template with two translations
    auto content = sms_template_content(
        json(
            R"({"name":"n","type":"t","template":"a ${code}","translations":{"es":"b ${code}","fr":"c ${code}"}})"),
        std::nullopt, SmsTemplateWrite::Create);
    ASSERT_TRUE(content);
    auto state = fold(kSmsTemplates, std::nullopt, decide_sms_template_create("cst1", *content));
    // When a partial update removes one ("" ), replaces one and adds one
    auto merged = sms_template_content(
        json(R"({"translations":{"es":"","fr":"d ${code}","de":"e ${code}"}})"), state,
        SmsTemplateWrite::Merge);
    ASSERT_TRUE(merged);
    auto after = fold(kSmsTemplates, state, decide_sms_template_update(*state, *merged), 2000);
    // Then
    EXPECT_EQ(after->find("translations")->dump(), R"({"fr":"d ${code}","de":"e ${code}"})");
    EXPECT_EQ(after->string_at("template"), "a ${code}");
    EXPECT_EQ(after->find("created")->as_int(), 1000);
    EXPECT_EQ(after->find("lastUpdated")->as_int(), 2000);
    // And an update that changes nothing decides no event
    EXPECT_TRUE(decide_sms_template_update(
                    *after, *sms_template_content(json("{}"), after, SmsTemplateWrite::Merge))
                    .empty());
}

TEST(SmsTemplates, TheLimitCountsCharactersAfterSubstitution) {
    EXPECT_EQ(render_sms("${org.name}: ${code}", "123456"), "idledger: 123456");
    const std::string at_limit = std::string(154, 'x') + "${code}";  // 154 + 6 = 160
    EXPECT_TRUE(
        sms_template_content(json(R"({"name":"n","type":"t","template":")" + at_limit + "\"}"),
                             std::nullopt, SmsTemplateWrite::Create));
    // One two-byte character more is one character more, not two.
    EXPECT_FALSE(
        sms_template_content(json(R"({"name":"n","type":"t","template":"ü)" + at_limit + "\"}"),
                             std::nullopt, SmsTemplateWrite::Create));
}

TEST(TrustedOrigins, OriginsAreNormalizedTheWayBrowsersSendThem) {
    const std::pair<const char*, const char*> cases[] = {
        {"https://Example.COM", "https://example.com"},
        {"https://example.com:443/", "https://example.com"},
        {"http://example.com:80", "http://example.com"},
        {"http://localhost:3000", "http://localhost:3000"},
        {"capacitor://localhost", "capacitor://localhost"},
        {"http://[::1]:8080", "http://[::1]:8080"},
    };
    for (auto [in, out] : cases) EXPECT_EQ(normalized_origin(in).value_or("-"), out) << in;
    for (const char* bad :
         {"example.com", "javascript://x", "https://a/b", "https://a?b", "https://-a.com",
          "https://a..com", "https://a:0", "https://a:", "https://user@a.com", "https://"})
        EXPECT_FALSE(normalized_origin(bad)) << bad;
}

TEST(TrustedOrigins, UniquenessIsCheckedAgainstTheIndexButAReplaceKeepsItsOwnKeys) {
    const UniqueLookup taken = [](std::string_view index, std::string_view value) {
        if (index == "origin" && value == "https://a.example.com")
            return std::optional<std::string>("tosA");
        return std::optional<std::string>{};
    };
    const Json body =
        json(R"({"name":"x","origin":"HTTPS://A.example.com","scopes":[{"type":"CORS"}]})");
    auto refused = trusted_origin_content(body, taken);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().causes.front().summary.substr(0, 7), "origin:");
    EXPECT_TRUE(trusted_origin_content(body, taken, "tosA"));
}

TEST(TrustedOrigins, OnlyActiveOriginsWithTheCorsScopeAllowCors) {
    auto content = trusted_origin_content(
        json(R"({"name":"x","origin":"https://x.example","scopes":[{"type":"CORS"}]})"), kNobody);
    ASSERT_TRUE(content);
    auto state = fold(kTrustedOrigins, std::nullopt,
                      decide_trusted_origin_create("tos1", *content, "00uActor"));
    EXPECT_TRUE(allows_cors(*state));
    EXPECT_EQ(state->string_at("createdBy"), "00uActor");
    state = fold(kTrustedOrigins, state, decide_trusted_origin_status(*state, false, "00uOther"));
    EXPECT_FALSE(allows_cors(*state));
    EXPECT_EQ(state->string_at("lastUpdatedBy"), "00uOther");
    EXPECT_TRUE(decide_trusted_origin_status(*state, false, "00uOther").empty());
}

TEST(NetworkZones, AddressBlocksAreValidatedByFamily) {
    for (auto [type, value] : {std::pair{"CIDR", "10.0.0.0/8"},
                               {"CIDR", "1.2.3.4"},
                               {"CIDR", "2001:db8::/128"},
                               {"RANGE", "10.0.0.1-10.0.0.1"},
                               {"RANGE", "::1-::2"}})
        EXPECT_TRUE(valid_zone_address(type, value)) << value;
    for (auto [type, value] : {std::pair{"CIDR", "10.0.0.0/33"},
                               {"CIDR", "10.0.0/8"},
                               {"CIDR", "10.0.0.0/"},
                               {"CIDR", "2001:db8::/129"},
                               {"RANGE", "10.0.0.2-10.0.0.1"},
                               {"RANGE", "10.0.0.1-::1"},
                               {"RANGE", "10.0.0.1"},
                               {"HOST", "10.0.0.1"}})
        EXPECT_FALSE(valid_zone_address(type, value)) << value;
}

TEST(NetworkZones, DeletionNeedsAnInactiveZoneThatThreatInsightDoesNotExclude) {
    auto content = zone_content(json(R"({"type":"IP","name":"z"})"), kNobody);
    ASSERT_TRUE(content);
    auto state = fold(kNetworkZones, std::nullopt, decide_zone_create("nzo1", *content));
    EXPECT_FALSE(decide_zone_delete(*state, false));
    state = fold(kNetworkZones, state, decide_zone_status(*state, false));
    EXPECT_FALSE(decide_zone_delete(*state, true));
    EXPECT_TRUE(decide_zone_delete(*state, false));
}

TEST(ThreatInsight, ExcludedZonesMustBeExistingIpZonesAndCreatedStaysFixed) {
    const ZoneLookup zones = [](const std::string& id) -> std::optional<Json> {
        if (id == "nzoIp") return json(R"({"type":"IP"})");
        if (id == "nzoDyn") return json(R"({"type":"DYNAMIC"})");
        return std::nullopt;
    };
    auto refused = decide_threat_insight(
        std::nullopt, json(R"({"action":"block","excludeZones":["nzoMissing","nzoDyn"]})"), zones,
        5);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().causes.size(), 2u);
    auto first = decide_threat_insight(
        std::nullopt, json(R"({"action":"audit","excludeZones":["nzoIp"]})"), zones, 5);
    ASSERT_TRUE(first);
    auto state = fold(kThreatInsight, std::nullopt, *first, 900);
    EXPECT_EQ(state->find("created")->as_int(), 5);
    EXPECT_EQ(state->find("lastUpdated")->as_int(), 900);
    auto keys = kThreatInsight.group_keys(*state);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys.front(), (IndexKey{"excludes", "nzoIp"}));
    auto same = decide_threat_insight(state, json(R"({"action":"audit","excludeZones":["nzoIp"]})"),
                                      zones, 5);
    ASSERT_TRUE(same);
    EXPECT_TRUE(same->empty());
}

TEST(ResourceKinds, EveryKindIsCompleteAndTheirStreamsAndFamiliesAreDistinct) {
    std::vector<std::string_view> prefixes, families;
    for (const ResourceKind* k : resource_kinds()) {
        EXPECT_NE(k->evolve, nullptr) << k->name;
        EXPECT_FALSE(k->events.empty()) << k->name;
        for (auto p : prefixes)
            EXPECT_FALSE(k->stream_prefix.starts_with(p) || p.starts_with(k->stream_prefix));
        for (auto f : families) EXPECT_NE(f, k->family);
        EXPECT_NE(k->stream_prefix, "user-");
        prefixes.push_back(k->stream_prefix);
        families.push_back(k->family);
        EXPECT_EQ(resource_kind_for_stream(k->stream("x1")), k);
    }
}
