#pragma once
// The outbox relay: publishes every request that has no completion yet to the request topic,
// keyed by user id, keeping a bounded window in flight and publishing again whatever waited too
// long (a lost message, a crashed worker, a broker that forgot everything).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "idledger/workers/kafka.hpp"
#include "idledger/workers/lifecycle_messages.hpp"

namespace idledger::workers {

/// Where the relay finds requests: the server's outbox (the log's pending requests).
class RelaySource {
  public:
    virtual ~RelaySource() = default;
    /// Positions of pending requests after `after`, in log order, at most `max`.
    virtual std::vector<uint64_t> pending_after(uint64_t after, size_t max) = 0;
    /// The message for a pending request; nullopt when it is no longer pending.
    virtual std::optional<RequestMessage> compose(uint64_t position) = 0;
    /// Blocks until the log moves past `seen` or `deadline`; returns the log head.
    virtual uint64_t wait_for_log(uint64_t seen,
                                  std::chrono::steady_clock::time_point deadline) = 0;
};

struct RelayOptions {
    WorkerKeys keys;       // requests are signed with keys.mac_key
    size_t window = 2000;  // requests published and not yet completed, at most
    std::chrono::milliseconds retry_after{15000};
};

class Relay {
  public:
    Relay(RelaySource& source, Producer& producer, RelayOptions options);
    ~Relay();
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    void start();
    void stop();
    /// A request's completion was applied (or it was dropped): frees its window slot. (The relay
    /// sleeps on the log: a completion is a commit, so it wakes up for it.)
    void completed(uint64_t position);

    struct Stats {
        uint64_t published = 0;
        uint64_t republished = 0;
        size_t in_flight = 0;
    };
    Stats stats() const;

  private:
    void run();
    void publish(uint64_t position, bool again);

    RelaySource& source_;
    Producer& producer_;
    RelayOptions options_;
    mutable std::mutex mu_;
    struct InFlight {
        std::chrono::steady_clock::time_point sent;
    };
    std::map<uint64_t, InFlight> in_flight_;
    std::vector<uint64_t> completed_;
    uint64_t cursor_ = 0;  // highest position discovered
    bool stop_ = false;
    Stats stats_;
    std::thread thread_;
};

}  // namespace idledger::workers
