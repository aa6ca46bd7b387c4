#pragma once
// The asynchronous lifecycle of one server process: the Kafka connection (the embedded broker
// unless brokers are named), the outbox relay, the result consumer, the in-process workers and
// the password-expiry scheduler. Started by `serve` after bootstrap; stopped before the store.

#include <atomic>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/app.hpp"
#include "core/lifecycle_port.hpp"
#include "idledger/workers/embedded_broker.hpp"
#include "idledger/workers/kafka.hpp"
#include "idledger/workers/log_topic.hpp"
#include "idledger/workers/mailer.hpp"
#include "idledger/workers/relay.hpp"
#include "idledger/workers/worker.hpp"
#include "lifecycle/expiry_scheduler.hpp"

namespace idledger::api {

class Outbox;
class LogFeed;

struct LifecycleOptions {
    std::string kafka_brokers;  // empty: start the embedded broker
    int workers = 1;            // in-process worker consumers (0: only external `idledger worker`s)
    workers::MailSettings mail;
    workers::RelayOptions relay;
    PasswordExpiryPolicy expiry;
    std::string public_url;       // base of the links in e-mails
    std::string server_id;        // names this server's result consumer group
    int kafka_fetch_wait_ms = 0;  // 0: the default of KafkaSettings
    /// Rounds of publication an e-mail gets while its delivery fails transiently (the worker
    /// retries within each round); the last round's failure is recorded (UserEmailFailed).
    int email_rounds = 5;
    /// `--kafka-property K=V`: librdkafka settings for a real cluster (SASL/SSL, ...).
    std::vector<std::pair<std::string, std::string>> kafka_properties;
    /// `--publish-log`: every committed event also goes to the log topic, for read replicas.
    bool publish_log = false;
    /// Events before the head the log topic starts with when the embedded broker's (new, empty)
    /// topic is first published to: replicas this close to the head follow a restarted primary
    /// without a snapshot.
    uint64_t embedded_log_backlog = 10'000;
};

class LifecycleRuntime final : public LifecyclePort {
  public:
    static std::expected<std::unique_ptr<LifecycleRuntime>, std::string> start(
        App& app, LifecycleOptions options);
    ~LifecycleRuntime() override;

    const std::string& bootstrap() const { return bootstrap_; }
    bool embedded() const { return broker_ != nullptr; }
    /// Test hook: takes the embedded broker down (connections refused) or back up.
    bool set_broker_up(bool up) override;
    LogTopic log_topic() const override;
    workers::Relay::Stats relay_stats() const;
    /// Prometheus lines: published, published again, in flight, results applied and dropped.
    std::string render_metrics() const override;

  private:
    LifecycleRuntime() = default;
    /// Whether `r` is a transient e-mail failure that gets another round (not applied).
    bool retry_transient_email(const workers::ResultMessage& r);
    App* app_ = nullptr;
    std::string bootstrap_;
    std::unique_ptr<workers::EmbeddedBroker> broker_;
    std::unique_ptr<workers::Producer> own_producer_;  // with --kafka-brokers
    workers::Producer* producer_ = nullptr;            // that one, or the embedded broker's host
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<workers::Relay> relay_;
    std::unique_ptr<workers::ResultConsumer> results_;
    std::unique_ptr<workers::Mailer> mailer_;
    std::unique_ptr<workers::WorkerPool> workers_;
    std::unique_ptr<PasswordExpiryScheduler> scheduler_;
    std::unique_ptr<LogFeed> log_feed_;
    std::unique_ptr<workers::LogPublisher> log_publisher_;
    std::atomic<uint64_t> applied_{0};
    std::atomic<uint64_t> dropped_{0};  // duplicates, superseded, failures
    std::atomic<uint64_t> emails_retried_{0};
    int email_rounds_ = 5;
    std::mutex email_attempts_mu_;
    std::unordered_map<std::string, int> email_attempts_;  // request id -> rounds failed
};

/// Kafka settings for `brokers`: brokers on loopback get the short timeouts of the embedded case.
workers::KafkaSettings kafka_settings(
    const std::string& brokers, int fetch_wait_ms = 0,
    std::vector<std::pair<std::string, std::string>> properties = {});

}  // namespace idledger::api
