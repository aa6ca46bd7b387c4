#include <gtest/gtest.h>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/json_parse.hpp"

using namespace idledger::domain;

TEST(Clock, FormatsIsoWithMilliseconds) {
    EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso8601(1372801585344), "2013-07-02T21:46:25.344Z");
}

TEST(Clock, ParsesWhatItFormatsAndOffsets) {
    for (Millis t : {Millis(0), Millis(1372801585344), Millis(4102444799999)})
        EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
    EXPECT_EQ(parse_iso8601("2013-01-01T12:00:00.000-07:00"),
              parse_iso8601("2013-01-01T19:00:00.000Z"));
    EXPECT_EQ(parse_iso8601("2013-01-01T12:00:00Z"), parse_iso8601("2013-01-01T12:00:00.000Z"));
    EXPECT_FALSE(parse_iso8601("2013-13-01T12:00:00Z"));
    EXPECT_FALSE(parse_iso8601("yesterday"));
    EXPECT_FALSE(parse_iso8601("2013-01-01T12:00:00"));
    // Impossible dates and offsets are refused, never rolled over.
    EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2025-02-29T00:00:00Z"));
    EXPECT_TRUE(parse_iso8601("2024-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-04-31T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-01-01T00:00:00+25:00"));
    EXPECT_FALSE(parse_iso8601("2026-01-01T00:00:00+99:99"));
    EXPECT_FALSE(parse_iso8601("2026-01-01T00:00:00+05:60"));
    EXPECT_TRUE(parse_iso8601("2026-01-01T00:00:00+14:00"));
}

TEST(Clock, Rfc1123) { EXPECT_EQ(format_rfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT"); }

TEST(Json, RoundTripsThroughTheWriterAndParser) {
    Json j = Json::object();
    j.set("s", "quote \" backslash \\ newline \n control \x01");
    j.set("n", 42);
    j.set("d", 1.5);
    j.set("b", true);
    j.set("z", nullptr);
    j.set("a", Json(JsonArray{Json(1), Json("two")}));
    auto back = parse_json(j.dump());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, j);
}

TEST(Json, RejectsMalformedText) {
    EXPECT_FALSE(parse_json("{\"a\":"));
    EXPECT_FALSE(parse_json("not json"));
    EXPECT_FALSE(parse_json(""));
}

TEST(Json, SetReplacesInPlaceAndKeepsOrder) {
    Json j = Json::object();
    j.set("a", 1);
    j.set("b", 2);
    j.set("a", 3);
    EXPECT_EQ(j.dump(), "{\"a\":3,\"b\":2}");
}
