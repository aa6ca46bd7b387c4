// The number model: whatever the API accepts, the store decodes again to the same value and the
// same bytes (the hardening issue's finding 1 and 2). Fixed edge cases, then a property over
// random documents.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/json_parse.hpp"

using namespace idledger::domain;

namespace {

/// decode(encode(x)) == x, byte for byte, through the stored payload form as well.
void expect_stable(const Json& v) {
    const std::string once = v.dump();
    auto back = parse_json(once);
    ASSERT_TRUE(back) << once << ": " << back.error();
    EXPECT_EQ(*back, v) << once;
    EXPECT_EQ(back->dump(), once);
    auto stored = decode_payload(encode_payload_plain(v), "", "user-x");
    ASSERT_EQ(stored.state, PayloadState::Plain) << once;
    EXPECT_EQ(stored.data.dump(), once);
}

}  // namespace

TEST(JsonNumbers, EdgeCasesDecodeAgainToTheSameBytes) {
    for (std::string_view text : {"9223372036854775807",
                                  "-9223372036854775808",
                                  "9223372036854775808",
                                  "-9223372036854775809",
                                  "18446744073709551615",
                                  "18446744073709551616",
                                  "1.8446744073709552e19",
                                  "123456789012345678901234567890",
                                  "1e308",
                                  "-1e308",
                                  "1e-400",
                                  "-0.0",
                                  "-0",
                                  "0.1",
                                  "0.30000000000000004",
                                  "5e-324",
                                  "1e21",
                                  "1.00000000000000000000000000000000000001",
                                  "2.5E+3",
                                  "[1,99999999999999999999999]"}) {
        SCOPED_TRACE(text);
        std::string doc = "{\"v\":" + std::string(text) + "}";
        auto j = parse_json(doc);
        ASSERT_TRUE(j) << j.error();
        expect_stable(*j);
    }
}

TEST(JsonNumbers, TheModelIsInt64OrDouble) {
    EXPECT_EQ(parse_json("9223372036854775807")->dump(), "9223372036854775807");
    EXPECT_EQ(parse_json("-9223372036854775808")->dump(), "-9223372036854775808");
    // Beyond int64: the nearest double, written so that it reads back as a double.
    EXPECT_EQ(parse_json("18446744073709551615")->dump(), "18446744073709551616.0");
    EXPECT_EQ(parse_json("18446744073709551616")->dump(), "18446744073709551616.0");
    EXPECT_TRUE(parse_json("-9223372036854775809")->is_double());
    EXPECT_EQ(parse_json("-0.0")->dump(), "-0.0");
    EXPECT_EQ(parse_json("-0")->dump(), "0");
    EXPECT_EQ(parse_json("1.0")->dump(), "1.0");
    EXPECT_EQ(parse_json("1e-400")->dump(), "0.0");
    EXPECT_EQ(parse_json("1e21")->dump(), "1e+21");
    EXPECT_EQ(parse_json("0.1")->dump(), "0.1");
    // Valid JSON that no double holds is refused with its own reason (the API's E0000001).
    EXPECT_EQ(parse_json("{\"v\":1e309}").error(), kNumberOutOfRange);
    EXPECT_EQ(parse_json("-1e400").error(), kNumberOutOfRange);
    // Big integers inside strings are text, not numbers.
    EXPECT_EQ(parse_json("[\"18446744073709551616\",18446744073709551616]")->dump(),
              "[\"18446744073709551616\",18446744073709551616.0]");
    // A malformed document stays malformed after the big-integer retry.
    EXPECT_FALSE(parse_json("{\"v\":18446744073709551616,}"));
}

TEST(JsonNumbers, RandomDocumentsDecodeAgainToTheSameBytes) {
    std::mt19937_64 rng(20261201);
    auto pick = [&](uint64_t n) { return rng() % n; };
    auto random_string = [&] {
        static const char* kPieces[] = {"a",  "Z",    "0",    " ", "\"",    "\\", "\n",
                                        "\t", "\x01", "\x7f", "é", "ß",     "中", "\xef\xbf\xbd",
                                        "𝄞",  "😀",    "/",    "<", "\u2028"};
        std::string s;
        for (uint64_t i = pick(12); i > 0; --i) s += kPieces[pick(std::size(kPieces))];
        return s;
    };
    auto random_number = [&]() -> Json {
        switch (pick(6)) {
            case 0:
                return Json(int64_t(rng()));
            case 1: {
                double d = std::bit_cast<double>(rng());
                return std::isfinite(d) ? Json(d) : Json(0.5);
            }
            case 2:
                return Json(double(int64_t(rng() >> pick(64))));
            case 3: {  // denormals up to the largest doubles (a parser never yields inf)
                double d = std::ldexp(double(pick(1000)), int(pick(2100)) - 1074);
                return std::isfinite(d) ? Json(d) : Json(0.25);
            }
            case 4:
                return Json(-0.0);
            default:
                return Json(double(pick(1000)) / 10.0);
        }
    };
    std::function<Json(int)> random_value = [&](int depth) -> Json {
        switch (depth > 4 ? pick(4) : pick(7)) {
            case 0:
                return Json(nullptr);
            case 1:
                return Json(pick(2) == 1);
            case 2:
                return random_number();
            case 3:
                return Json(random_string());
            case 4:
            case 5: {
                Json o = Json::object();
                for (uint64_t i = pick(5); i > 0; --i)
                    o.set(random_string(), random_value(depth + 1));
                return o;
            }
            default: {
                Json a = Json::array();
                for (uint64_t i = pick(5); i > 0; --i) a.push(random_value(depth + 1));
                return a;
            }
        }
    };
    for (int i = 0; i < 3000; ++i) {
        Json doc = Json::object();
        doc.set("profile", random_value(0));
        expect_stable(doc);
        if (HasFatalFailure()) return;
    }
}
