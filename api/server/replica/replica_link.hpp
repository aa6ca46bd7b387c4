#pragma once
// A read replica's link to its primary: folds the log topic into the local store with the same
// projection code replay uses, and forwards writes to the primary, answering them once it has
// folded the position the primary's answer names (read-your-writes through any node).

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/app.hpp"
#include "core/replica_port.hpp"
#include "idledger/workers/kafka.hpp"
#include "replica/primary_client.hpp"

namespace idledger::workers {
class LogReader;
}

namespace idledger::api {

struct ReplicaOptions {
    /// Events behind the topic's end past which /readyz says not ready.
    uint64_t max_lag = 10'000;
};

class ReplicaLink final : public ReplicaPort {
  public:
    /// `on_gap` runs (once, on the follower thread) when the topic no longer holds the events
    /// after the store's last one: the process then takes a fresh snapshot.
    ReplicaLink(App& app, PrimaryClient primary, workers::KafkaSettings kafka,
                ReplicaOptions options, std::function<void()> on_gap);
    ~ReplicaLink() override;

    void start();
    void stop();

    HttpResponse forward(const HttpRequest& req) override;
    std::string render_metrics() const override;
    std::optional<std::string> not_ready() const override;

  private:
    void run();
    /// Places the reader after the store's last event; false on a gap (or when stopping).
    bool position_reader(workers::LogReader& reader);
    /// Data keys of sealed subjects this store has none for, from the primary.
    std::optional<std::vector<std::pair<std::string, std::string>>> missing_keys(
        const std::vector<eventstore::RecordedEvent>& events);

    App& app_;
    PrimaryClient primary_;
    workers::KafkaSettings kafka_;
    ReplicaOptions options_;
    std::function<void()> on_gap_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> positioned_{false};
    std::atomic<bool> gap_{false};
    std::atomic<uint64_t> lag_{0};
    std::atomic<uint64_t> forwarded_{0};
    std::atomic<uint64_t> forward_failures_{0};
    std::atomic<uint64_t> wait_timeouts_{0};
    std::atomic<uint64_t> folded_{0};
    mutable std::mutex reader_mu_;
    workers::LogReader* reader_ = nullptr;  // while run() has one (for interrupt)
    std::thread thread_;
};

}  // namespace idledger::api
