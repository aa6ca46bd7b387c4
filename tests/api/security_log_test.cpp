// The security log aggregates refusals: one event per kind and client per minute.

#include "core/security_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace idledger;

namespace {
/// A fresh store in a temporary directory, removed afterwards, and a clock the test moves.
struct Fixture {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("idledger-seclog-" + std::to_string(std::random_device{}()));
    eventstore::Result<std::unique_ptr<eventstore::EventStore>> store = open();
    domain::ManualClock clock{1'000'000};

    eventstore::Result<std::unique_ptr<eventstore::EventStore>> open() {
        eventstore::Options o;
        o.path = dir.string();
        return eventstore::EventStore::open(std::move(o));
    }
    ~Fixture() {
        if (store) (*store)->close();
        std::filesystem::remove_all(dir);
    }
};
}  // namespace

TEST(SecurityLog, OneEventPerKindAndClientPerMinuteCarryingTheCount) {
    Fixture f;
    ASSERT_TRUE(f.store);
    auto& store = f.store;
    auto& clock = f.clock;
    api::SecurityLog log(**store, clock);
    auto refuse = [&](api::Refusal kind, const std::string& ip) {
        log.record(kind, "INVALID_TOKEN", 401, "E0000011", ip, "ua", "req", "", "");
    };
    for (int i = 0; i < 50; ++i) refuse(api::Refusal::Authentication, "10.0.0.1");
    refuse(api::Refusal::Authentication, "10.0.0.2");
    refuse(api::Refusal::RateLimit, "10.0.0.1");
    clock.advance(61'000);
    refuse(api::Refusal::Authentication, "10.0.0.1");
    (*store)->wait_for(4, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    auto events = (*store)->read_all(1, 100);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 4u);
    EXPECT_EQ((*events)[0].type, "SecurityAuthenticationRefused");
    EXPECT_NE((*events)[3].payload.find("\"refusedEarlierInPreviousWindow\":49"),
              std::string::npos);
}

TEST(SecurityLog, AFloodFromManyAddressesCostsABoundedNumberOfEvents) {
    Fixture f;
    ASSERT_TRUE(f.store);
    auto& store = f.store;
    auto& clock = f.clock;
    api::SecurityLog log(**store, clock);
    for (int i = 0; i < 10'000; ++i)
        log.record(api::Refusal::Authentication, "NO_CREDENTIALS", 403, "E0000005",
                   "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1", "ua",
                   "req", "", "");
    clock.advance(61'000);
    log.record(api::Refusal::Authentication, "NO_CREDENTIALS", 403, "E0000005", "10.200.0.1", "ua",
               "req", "", "");
    const uint64_t expected = api::kMaxEventsPerWindow + 1;
    (*store)->wait_for(expected, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    auto events = (*store)->read_all(1, 20'000);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), expected);
    // The next minute's first event says how many the budget left out.
    EXPECT_NE(events->back().payload.find("\"suppressedOverBudgetInPreviousWindow\":" +
                                          std::to_string(10'000 - api::kMaxEventsPerWindow)),
              std::string::npos)
        << events->back().payload;
}
