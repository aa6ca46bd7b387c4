#pragma once
// The embedded Kafka broker: librdkafka's in-process mock cluster, which speaks the real Kafka
// protocol on loopback (random ports, no persistence, bounded per-partition retention). `serve`
// starts one when no --kafka-brokers is given, so a single command runs the whole system.

#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace idledger::workers {

/// The topics of the asynchronous lifecycle, keyed by user id so one user's requests stay in order.
struct Topic {
    std::string name;
    int partitions;
};
const std::vector<Topic>& lifecycle_topics();

class Producer;

class EmbeddedBroker {
  public:
    /// Starts the cluster and creates the lifecycle topics. Fails with a reason. The cluster
    /// lives in a producer's client instance (librdkafka needs one to host it), which the
    /// process may use as its producer: each client instance wakes on timers of its own.
    static std::expected<std::unique_ptr<EmbeddedBroker>, std::string> start(
        int brokers = 1, const std::string& producer_client_id = "idledger-embedded");
    ~EmbeddedBroker();
    EmbeddedBroker(const EmbeddedBroker&) = delete;
    EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

    /// "127.0.0.1:PORT[,...]": what clients use as bootstrap.servers.
    const std::string& bootstrap() const { return bootstrap_; }
    /// Takes the broker down (connections closed and refused) or brings it back: outage tests.
    void set_up(bool up);
    /// The hosting producer, connected to this cluster; it lives as long as the broker.
    Producer& producer() { return *host_; }

  private:
    EmbeddedBroker() = default;
    std::unique_ptr<Producer> host_;
    struct Cluster;
    std::unique_ptr<Cluster> cluster_;  // destroyed before its host
    std::string bootstrap_;
};

}  // namespace idledger::workers
