#pragma once
// Thin RAII wrappers over librdkafka's C API: one producer and one group consumer shape, with
// the settings the lifecycle needs (documented in workers/README.md).

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct rd_kafka_s;  // librdkafka's client instance (rd_kafka_t)

namespace idledger::workers {

struct KafkaSettings {
    std::string brokers;    // bootstrap.servers
    bool embedded = false;  // the in-process mock cluster: short timeouts, tight fetch waits
    /// Consumers' fetch.wait.max.ms; 0: 2 ms embedded (the mock answers an empty fetch only
    /// after the full wait, so this bounds each hop's latency), 100 ms on a real cluster.
    int fetch_wait_ms = 0;
    /// Consumers pause their partitions while idle and resume when a producer of this process
    /// has a message delivered (consumer_rest.hpp): set by the process that runs the embedded
    /// broker, so that an idle server sends no fetches.
    bool rest_when_idle = false;
    /// librdkafka properties set last on every client (producers, consumers, admin): how a
    /// real cluster's SASL/SSL settings are given (`--kafka-property security.protocol=SASL_SSL`).
    std::vector<std::pair<std::string, std::string>> properties = {};
};

struct KafkaMessage {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::string key;
    std::string value;
};

/// An idempotent producer (acks=all). Delivery reports run on the producer's own poll thread.
class Producer {
  public:
    using Delivered = std::function<void(bool ok, const std::string& error)>;
    static std::expected<std::unique_ptr<Producer>, std::string> create(
        const KafkaSettings& settings, const std::string& client_id);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    /// Queues one message; `done` runs once it is acknowledged by the broker or has failed
    /// (including when the producer is destroyed first). Never blocks for long.
    void produce(const std::string& topic, std::string_view key, std::string_view value,
                 Delivered done);
    /// Ends producing: waits up to a second for what is queued, fails the rest, and returns once
    /// every delivery callback has run, so what they refer to may go. Nothing may be produced
    /// afterwards; the client instance itself lives on until destroyed (it may host a broker).
    void close();

  private:
    friend class EmbeddedBroker;  // hosts its cluster on a producer's client instance
    Producer() = default;
    rd_kafka_s* native() const;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A consumer in a consumer group. Offsets are committed automatically, but only up to the
/// messages passed to done(): a message not done is delivered again after a crash or rebalance.
class Consumer {
  public:
    static std::expected<std::unique_ptr<Consumer>, std::string> create(
        const KafkaSettings& settings, const std::string& group_id,
        const std::vector<std::string>& topics, const std::string& client_id);
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    std::optional<KafkaMessage> poll(int timeout_ms);
    /// Ends a poll blocked in another thread at once (a stopping loop need not wait it out).
    void interrupt();
    /// Marks a message processed (thread-safe): its offset may be committed.
    void done(const KafkaMessage& m);

  private:
    Consumer() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Creates the lifecycle topics (embedded_broker.hpp's lifecycle_topics()) on a real cluster
/// where they are missing; existing topics are left as they are.
std::expected<void, std::string> ensure_lifecycle_topics(const KafkaSettings& settings);

/// Topic names.
inline constexpr std::string_view kRequestTopic = "idledger.lifecycle.requests";
inline constexpr std::string_view kResultTopic = "idledger.lifecycle.results";

}  // namespace idledger::workers
