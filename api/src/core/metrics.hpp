#pragma once
// Prometheus metrics: requests by route and status, latency histograms by route, and the event
// store's appends, fsyncs and batch sizes. Lock-free on the request path (atomics per route).

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::api {

class Metrics {
  public:
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    static constexpr std::array<int, 20> kStatuses = {200, 201, 202, 204, 400, 401, 403,
                                                      404, 405, 409, 412, 413, 414, 415,
                                                      429, 431, 500, 503, 505, 0};

    /// One slot per route (by the route's operation id) plus "unmatched" at index 0.
    explicit Metrics(const std::vector<std::string>& routes);
    /// Thread-safe, lock-free.
    void observe(size_t route, int status, double seconds);
    std::string render(const eventstore::Stats& store_stats) const;

  private:
    struct RouteStats {
        std::string name;
        std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};  // last slot: other
        std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
        std::atomic<uint64_t> count{0};
        std::atomic<uint64_t> sum_micros{0};
    };
    std::vector<std::unique_ptr<RouteStats>> routes_;
};

}  // namespace idledger::api
