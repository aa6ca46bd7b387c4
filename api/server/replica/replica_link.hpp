#pragma once
// A read replica's link to its primary: folds the log topic into the local store with the same
// projection code replay uses, and forwards writes to the primary, answering them once it has
// folded the position the primary's answer names (read-your-writes through any node).

#include <atomic>
#include <condition_variable>
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

/// The Kafka settings for a broker list.
using KafkaSettingsFor = std::function<workers::KafkaSettings(const std::string& brokers)>;

class ReplicaLink final : public ReplicaPort {
  public:
    /// `brokers`: where the log topic is read; empty: ask the primary (and ask again when the
    /// topic goes quiet, since the primary's embedded broker moves when it restarts).
    /// `on_gap` runs (once, on the follower thread) when the topic no longer holds the events
    /// after the store's last one: the process then takes a fresh snapshot.
    ReplicaLink(App& app, PrimaryClient primary, std::string brokers, KafkaSettingsFor kafka,
                ReplicaOptions options, std::function<void()> on_gap);
    ~ReplicaLink() override;

    void start();
    void stop();

    HttpResponse forward(const HttpRequest& req) override;
    std::string render_metrics() const override;
    std::optional<std::string> not_ready() const override;

  private:
    enum class Outcome { Stopped, Gap, BrokersMoved };

    void run();
    /// Folds the topic through `reader` until stopped, a gap, or the primary names other brokers.
    Outcome follow(workers::LogReader& reader, const std::string& brokers);
    /// Places the reader after the store's last event (nullopt), or says why it cannot.
    std::optional<Outcome> position_reader(workers::LogReader& reader, const std::string& brokers);
    /// The brokers the primary publishes its log to (nullopt: it cannot say now).
    std::optional<std::string> primary_brokers();
    /// True when the brokers are asked of the primary and it now names others than `brokers`.
    bool brokers_moved(const std::string& brokers);
    /// Sleeps up to `d`, waking at once on stop().
    void pause(std::chrono::milliseconds d);
    void take_gap(const std::string& why);
    /// Data keys of sealed subjects this store has none for, from the primary.
    std::optional<std::vector<std::pair<std::string, std::string>>> missing_keys(
        const std::vector<eventstore::RecordedEvent>& events);

    App& app_;
    PrimaryClient primary_;
    std::string fixed_brokers_;
    KafkaSettingsFor kafka_;
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
    std::atomic<uint64_t> broker_moves_{0};
    std::atomic<bool> unpublished_{false};  // the primary said it does not publish its log
    bool primary_silent_ = false;           // the last question to the primary went unanswered
    std::mutex stop_mu_;
    std::condition_variable stop_cv_;
    mutable std::mutex reader_mu_;
    workers::LogReader* reader_ = nullptr;  // while run() has one (for interrupt)
    std::thread thread_;
};

}  // namespace idledger::api
