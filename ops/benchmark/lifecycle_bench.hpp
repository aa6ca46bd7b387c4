#pragma once
// The lifecycle rows of the benchmark: activation latency end to end (request to ACTIVE, through
// the embedded broker and a worker), asynchronous deactivation throughput (accepted and
// completed), and the same broker's raw two-hop produce-consume rate as the baseline.

#include <filesystem>
#include <string>

namespace idledger::bench {

struct LifecycleFigures {
    size_t activations = 0;
    double activation_p50_ms = 0, activation_p99_ms = 0;
    size_t deactivations = 0;
    double accepted_per_s = 0;
    double completed_per_s = 0;
    size_t raw_messages = 0;
    double raw_round_trips_per_s = 0;  // produce -> consume -> produce -> consume, like a request
};

LifecycleFigures measure_lifecycle(const std::string& idledger, const std::filesystem::path& dir,
                                   const std::string& token, int connections, size_t users);

}  // namespace idledger::bench
