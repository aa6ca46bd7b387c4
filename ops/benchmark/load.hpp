#pragma once
// A closed-loop HTTP/1.1 load generator: N keep-alive connections on one epoll thread, each with
// one request in flight. Measures throughput and latency percentiles.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace idledger::bench {

struct LoadResult {
    uint64_t requests = 0;
    uint64_t non_2xx = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;  // sorted
    std::vector<std::string> bodies;   // response bodies kept when asked
    double rate() const { return seconds > 0 ? double(requests) / seconds : 0; }
    double percentile(double p) const;
};

struct LoadSpec {
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    int connections = 64;
    std::chrono::milliseconds duration{5000};
    uint64_t max_requests = 0;  // 0: until the duration ends
    bool keep_bodies = false;
    /// Builds the full request bytes for request number `n`.
    std::function<std::string(uint64_t n)> make_request;
};

LoadResult run_load(const LoadSpec& spec);

/// run_load on 127.0.0.1:`port`; says on stderr how many answers were not 2xx.
LoadResult measure(uint16_t port, int connections, std::chrono::milliseconds duration,
                   uint64_t max_requests, std::function<std::string(uint64_t)> make,
                   bool keep_bodies = false);

}  // namespace idledger::bench
