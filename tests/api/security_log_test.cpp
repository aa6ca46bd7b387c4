// The security log aggregates refusals: one event per kind and client per minute, and a bounded
// number overall.

#include "core/security_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

using namespace idledger;

namespace {
/// A fresh store in a temporary directory (removed afterwards), a clock the test moves, and the
/// security log writing into the store.
class SecurityLogTest : public ::testing::Test {
  protected:
    void SetUp() override {
        eventstore::Options o;
        o.path = dir_.string();
        auto opened = eventstore::EventStore::open(std::move(o));
        ASSERT_TRUE(opened);
        store_ = std::move(*opened);
        log_.emplace(*store_, clock_);
    }
    void TearDown() override {
        log_.reset();
        if (store_) store_->close();
        std::filesystem::remove_all(dir_);
    }
    void refuse(api::Refusal kind, const std::string& ip) {
        log_->record(kind, "INVALID_TOKEN", 401, "E0000011", ip, "ua", "req", "", "");
    }
    /// Waits (bounded) for `n` events, then reads them all.
    std::vector<eventstore::RecordedEvent> events(uint64_t n) {
        store_->wait_for(n, std::chrono::steady_clock::now() + std::chrono::seconds(30));
        auto all = store_->read_all(1, 20'000);
        return all ? std::move(*all) : std::vector<eventstore::RecordedEvent>{};
    }

    std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                                 ("idledger-seclog-" + std::to_string(std::random_device{}()));
    std::unique_ptr<eventstore::EventStore> store_;
    domain::ManualClock clock_{1'000'000};
    std::optional<api::SecurityLog> log_;
};
}  // namespace

TEST_F(SecurityLogTest, OneEventPerKindAndClientPerMinuteCarryingTheCount) {
    for (int i = 0; i < 50; ++i) refuse(api::Refusal::Authentication, "10.0.0.1");
    refuse(api::Refusal::Authentication, "10.0.0.2");
    refuse(api::Refusal::RateLimit, "10.0.0.1");
    clock_.advance(61'000);
    refuse(api::Refusal::Authentication, "10.0.0.1");
    auto all = events(4);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].type, "SecurityAuthenticationRefused");
    EXPECT_NE(all[3].payload.find("\"refusedEarlierInPreviousWindow\":49"), std::string::npos);
}

TEST_F(SecurityLogTest, AFloodFromManyAddressesCostsABoundedNumberOfEvents) {
    for (int i = 0; i < 10'000; ++i)
        refuse(api::Refusal::Authentication,
               "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1");
    clock_.advance(61'000);
    refuse(api::Refusal::Authentication, "10.200.0.1");
    const uint64_t expected = api::kMaxEventsPerWindow + 1;
    auto all = events(expected);
    ASSERT_EQ(all.size(), expected);
    // The next minute's first event says how many the budget left out.
    EXPECT_NE(all.back().payload.find("\"suppressedOverBudgetInPreviousWindow\":" +
                                      std::to_string(10'000 - api::kMaxEventsPerWindow)),
              std::string::npos)
        << all.back().payload;
}
