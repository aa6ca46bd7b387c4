#pragma once
// Prometheus metrics: requests by route and status, latency histograms by route, and the event
// store's appends, fsyncs and batch sizes.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::api {

class Metrics {
  public:
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    /// Thread-safe.
    void observe(const std::string& route, int status, double seconds);
    std::string render(const eventstore::Stats& store_stats) const;

  private:
    struct Histogram {
        std::array<uint64_t, kBuckets.size()> buckets{};
        uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

}  // namespace idledger::api
