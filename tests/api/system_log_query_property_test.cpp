// Property test of the System Log's indexes: random filters on eventType, actor.id and target.id
// (alone, in `and` with an unindexed term, in `or`), both sort orders and random page sizes; every
// answer, page by page through `next`, must equal the unfiltered log walked whole and filtered
// here — whether an index answered or the walk did (the harness's scan bound is small, so
// walks also end pages early with a cursor).

#include <gtest/gtest.h>

#include <random>

#include "http/message.hpp"
#include "idledger/domain/user_query.hpp"
#include "support/api_harness.hpp"

using idledger::testing::ApiHarness;
namespace domain = idledger::domain;

namespace {

ApiHarness& api() {
    static ApiHarness harness;
    return harness;
}

std::string encode(const std::string& s) { return idledger::api::percent_encode(s); }

std::string next_link(const idledger::testing::ApiReply& r) {
    for (const auto& h : r.headers)
        if (h.name == "Link" && h.value.find("rel=\"next\"") != std::string::npos) {
            std::string url = h.value.substr(1, h.value.find('>') - 1);
            return url.substr(url.find("/api/v1/logs"));
        }
    return {};
}

/// Every event (uuid, in answer order) for `query`, following `next` until it is absent.
std::vector<domain::Json> walk(const std::string& query) {
    std::vector<domain::Json> out;
    std::string target = "/api/v1/logs?" + query;
    for (int pages = 0; pages < 2000 && !target.empty(); ++pages) {
        auto r = api().get(target);
        EXPECT_EQ(r.status, 200) << target << " " << r.text;
        if (r.status != 200) break;
        for (const auto& e : r.body.as_array()) out.push_back(e);
        target = next_link(r);
    }
    return out;
}

std::vector<std::string> uuids(const std::vector<domain::Json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.string_at("uuid"));
    return out;
}

}  // namespace

TEST(SystemLogQueryProperty, IndexedFiltersEqualTheWholeLogFilteredPageByPage) {
    std::mt19937 rng(1201);
    // A second administrator acts too, so actor.id has more than one value.
    std::vector<std::string> users;
    for (int i = 0; i < 40; ++i) {
        auto r = api().post(std::string("/api/v1/users?activate=") + (i % 3 ? "true" : "false"),
                            R"({"profile":{"login":"log)" + std::to_string(i) +
                                R"(@example.com","email":"log)" + std::to_string(i) +
                                R"(@example.com","firstName":"L","lastName":"G"}})");
        ASSERT_EQ(r.status, 200) << r.text;
        users.push_back(r.body.string_at("id"));
        if (i % 4 == 1) api().post("/api/v1/users/" + users.back() + "/lifecycle/suspend");
        if (i % 5 == 2)
            api().post("/api/v1/users/" + users.back(), R"({"profile":{"firstName":"M"}})");
    }
    const std::string since = "since=" + encode("2000-01-01T00:00:00Z");
    const std::string until = "until=" + encode("2999-01-01T00:00:00Z");
    const auto everything = walk(since + "&" + until + "&limit=1000");
    ASSERT_GT(everything.size(), 60u);
    std::vector<std::string> types, actors;
    for (const auto& e : everything) {
        types.push_back(e.string_at("eventType"));
        if (const auto* a = e.find("actor")) actors.push_back(a->string_at("id"));
    }
    auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
    auto term = [&](int k) -> std::string {
        switch (k % 4) {
            case 0:
                return "eventType eq \"" + pick(types) + "\"";
            case 1:
                return "target.id eq \"" + pick(users) + "\"";
            case 2:
                return "actor.id eq \"" + pick(actors) + "\"";
            default:
                return "outcome.result eq \"SUCCESS\"";  // no index
        }
    };
    int indexed = 0;
    for (int i = 0; i < 60; ++i) {
        std::string expr;
        switch (rng() % 3) {
            case 0:
                expr = term(int(rng()));
                break;
            case 1:
                expr = term(int(rng())) + " and " + term(int(rng()));
                break;
            default:
                expr = term(int(rng())) + " or " + term(int(rng()));
        }
        auto parsed = domain::parse_user_query(expr, domain::QueryMode::Log);
        ASSERT_TRUE(parsed) << expr;
        const bool descending = rng() % 2;
        std::vector<std::string> expected;
        for (const auto& e : everything)
            if (domain::matches_json(*parsed, e)) expected.push_back(e.string_at("uuid"));
        if (descending) std::reverse(expected.begin(), expected.end());
        const std::string query = since + "&" + until + "&filter=" + encode(expr) +
                                  "&limit=" + std::to_string(1 + rng() % 30) +
                                  (descending ? "&sortOrder=DESCENDING" : "");
        EXPECT_EQ(uuids(walk(query)), expected) << expr << (descending ? " desc" : " asc");
        indexed += expr.find("outcome") == std::string::npos;
    }
    EXPECT_GT(indexed, 15);

    // The index answers at once: all of a user's events in one page, though the log holds more
    // events than the harness's scan bound (37) lets a walk examine per page.
    const std::string last = users.back();
    auto one = api().get("/api/v1/logs?" + since + "&" + until +
                         "&limit=100&filter=" + encode("target.id eq \"" + last + "\""));
    ASSERT_EQ(one.status, 200);
    EXPECT_GE(one.body.as_array().size(), 1u);
    EXPECT_TRUE(next_link(one).empty());
    auto walked = api().get("/api/v1/logs?" + since + "&" + until + "&limit=100&filter=" +
                            encode("target.id sw \"" + last + "\""));  // sw: no index
    ASSERT_EQ(walked.status, 200);
    EXPECT_TRUE(walked.body.as_array().empty());  // its events lie past the first 37
    EXPECT_FALSE(next_link(walked).empty());
}

TEST(SystemLogQueryProperty, PollingWithAnIndexedFilterSeesEachNewEventOnce) {
    auto first = api().post("/api/v1/users?activate=false",
                            R"({"profile":{"login":"poll@example.com","email":"poll@example.com",
                                "firstName":"P","lastName":"Q"}})");
    ASSERT_EQ(first.status, 200);
    const std::string id = first.body.string_at("id");
    const std::string filter = "filter=" + encode("target.id eq \"" + id + "\"");
    auto r = api().get("/api/v1/logs?" + filter + "&since=" + encode("2000-01-01T00:00:00Z"));
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.body.as_array().size(), 1u);  // the creation
    std::string next = next_link(r);
    ASSERT_FALSE(next.empty());
    ASSERT_EQ(api().post("/api/v1/users/" + id, R"({"profile":{"firstName":"R"}})").status, 200);
    auto again = api().get(next);
    ASSERT_EQ(again.status, 200);
    ASSERT_EQ(again.body.as_array().size(), 1u) << again.text;
    EXPECT_EQ(again.body.as_array()[0].string_at("eventType"), "user.account.update_profile");
    auto idle = api().get(next_link(again));
    EXPECT_EQ(idle.body.as_array().size(), 0u);
    EXPECT_FALSE(next_link(idle).empty());  // polling: next is always there
}
