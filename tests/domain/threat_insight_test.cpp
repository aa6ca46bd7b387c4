// ThreatInsight's detection (domain/threat_detector.hpp) and the network-zone address test it is
// enforced with (domain/network_zone.hpp), given/when/then.

#include <gtest/gtest.h>

#include <string>

#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/threat_detector.hpp"

using namespace idledger::domain;

namespace {

ThreatSettings small() {
    ThreatSettings s;
    s.max_failures_per_address = 4;
    s.max_usernames_per_address = 3;
    s.max_addresses_per_username = 3;
    s.window_ms = 1000;
    s.flag_ms = 5000;
    return s;
}

}  // namespace

TEST(ThreatDetector, VelocityFromOneAddressFlagsItOnceAndTheFlagExpires) {
    ThreatDetector d(small());
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(d.failed("10.0.0.1", "alice", 100 + i));
    EXPECT_FALSE(d.suspicion("10.0.0.1", 110));
    auto flagged = d.failed("10.0.0.1", "alice", 120);
    ASSERT_TRUE(flagged);
    EXPECT_NE(flagged->find("high rate"), std::string::npos);
    EXPECT_TRUE(d.suspicion("10.0.0.1", 130));
    EXPECT_FALSE(d.failed("10.0.0.1", "alice", 140)) << "an address already flagged is news once";
    EXPECT_FALSE(d.suspicion("10.0.0.2", 130)) << "only the attacking address";
    EXPECT_TRUE(d.suspicion("10.0.0.1", 120 + 5000)) << "a continued attack extends the flag";
    EXPECT_FALSE(d.suspicion("10.0.0.1", 140 + 5000)) << "the flag lasts flag_ms";
}

TEST(ThreatDetector, FailuresOutsideTheWindowDoNotAddUp) {
    ThreatDetector d(small());
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(d.failed("10.0.0.1", "alice", i * 400));
    EXPECT_FALSE(d.suspicion("10.0.0.1", 4000));
}

TEST(ThreatDetector, PasswordSprayingFlagsTheAddress) {
    ThreatDetector d(small());
    EXPECT_FALSE(d.failed("10.0.0.9", "a", 1));
    EXPECT_FALSE(d.failed("10.0.0.9", "b", 2));
    auto flagged = d.failed("10.0.0.9", "c", 3);
    ASSERT_TRUE(flagged);
    EXPECT_NE(flagged->find("spraying"), std::string::npos);
}

TEST(ThreatDetector, ADistributedAttackFlagsEveryAddressButNeverTheUsername) {
    ThreatDetector d(small());
    EXPECT_FALSE(d.failed("10.0.0.1", "victim", 1));
    EXPECT_FALSE(d.failed("10.0.0.2", "victim", 2));
    ASSERT_TRUE(d.failed("10.0.0.3", "victim", 3));
    for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) EXPECT_TRUE(d.suspicion(a, 4)) << a;
    EXPECT_FALSE(d.suspicion("10.0.0.4", 4)) << "the user's own address stays clean";
}

TEST(ThreatDetector, AnAddressThatSignsInStopsCountingAgainstTheUser) {
    ThreatDetector d(small());
    EXPECT_FALSE(d.failed("10.0.0.1", "bob", 1));  // a typo
    d.succeeded("10.0.0.1", "bob");
    EXPECT_FALSE(d.failed("10.0.0.2", "bob", 2));
    EXPECT_FALSE(d.failed("10.0.0.3", "bob", 3));
    EXPECT_FALSE(d.suspicion("10.0.0.1", 4));
}

TEST(ThreatDetector, MemoryStaysBoundedUnderAFloodFromManyAddresses) {
    ThreatSettings s = small();
    s.max_tracked = 50;
    ThreatDetector d(s);
    for (int i = 0; i < 1000; ++i)
        d.failed("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                 "user" + std::to_string(i), i);
    // Recent attackers are still remembered: the last address flags on its 4th failure.
    const std::string last = "10.1.3.231";
    for (int i = 0; i < 2; ++i) d.failed(last, "user999", 1000 + i);
    EXPECT_TRUE(d.failed(last, "user999", 1003));
}

TEST(NetworkZoneAddress, CidrAndRangeMatchTheirOwnFamilyOnly) {
    EXPECT_TRUE(zone_address_contains("CIDR", "127.0.0.0/8", "127.4.5.6"));
    EXPECT_FALSE(zone_address_contains("CIDR", "127.0.0.0/8", "128.0.0.1"));
    EXPECT_TRUE(zone_address_contains("CIDR", "10.0.0.0/22", "10.0.3.255"));
    EXPECT_FALSE(zone_address_contains("CIDR", "10.0.0.0/22", "10.0.4.0"));
    EXPECT_TRUE(zone_address_contains("CIDR", "1.2.3.4", "1.2.3.4"));
    EXPECT_FALSE(zone_address_contains("CIDR", "1.2.3.4", "1.2.3.5"));
    EXPECT_TRUE(zone_address_contains("CIDR", "0.0.0.0/0", "8.8.8.8"));
    EXPECT_FALSE(zone_address_contains("CIDR", "0.0.0.0/0", "2001:db8::1")) << "families never mix";
    EXPECT_TRUE(zone_address_contains("CIDR", "2001:db8::/32", "2001:db8:ffff::1"));
    EXPECT_FALSE(zone_address_contains("CIDR", "2001:db8::/33", "2001:db8:8000::1"));
    EXPECT_TRUE(zone_address_contains("CIDR", "127.0.0.1/32", "::ffff:127.0.0.1"))
        << "an IPv4-mapped address is its IPv4 address";
    EXPECT_TRUE(zone_address_contains("RANGE", "10.0.0.5-10.0.1.2", "10.0.0.255"));
    EXPECT_FALSE(zone_address_contains("RANGE", "10.0.0.5-10.0.1.2", "10.0.1.3"));
    EXPECT_FALSE(zone_address_contains("RANGE", "10.0.0.5-10.0.1.2", "10.0.0.4"));
    EXPECT_FALSE(zone_address_contains("CIDR", "not-an-address", "10.0.0.1"));
    EXPECT_FALSE(zone_address_contains("CIDR", "10.0.0.0/8", "garbage"));
}

TEST(NetworkZoneAddress, AZoneContainsAnAddressInOneOfItsGateways) {
    auto zone = parse_json(
        R"({"gateways":[{"type":"CIDR","value":"192.168.0.0/16"},)"
        R"({"type":"RANGE","value":"10.0.0.1-10.0.0.9"}],"proxies":[{"type":"CIDR","value":"8.8.8.8"}]})");
    ASSERT_TRUE(zone);
    EXPECT_TRUE(zone_contains(*zone, "192.168.7.7"));
    EXPECT_TRUE(zone_contains(*zone, "10.0.0.9"));
    EXPECT_FALSE(zone_contains(*zone, "8.8.8.8")) << "proxies are not the zone's clients";
}
