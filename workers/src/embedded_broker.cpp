#include "idledger/workers/embedded_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "idledger/workers/kafka.hpp"
#include "idledger/workers/log_topic.hpp"

namespace idledger::workers {

const std::vector<Topic>& lifecycle_topics() {
    static const std::vector<Topic> kTopics = {
        {std::string(kRequestTopic), 8},
        {std::string(kResultTopic), 8},
        {std::string(kLogTopic), 1},  // one partition: the log's order is total
    };
    return kTopics;
}

struct EmbeddedBroker::Cluster {
    rd_kafka_mock_cluster_t* handle = nullptr;
    ~Cluster() {
        if (handle) rd_kafka_mock_cluster_destroy(handle);
    }
};

std::expected<std::unique_ptr<EmbeddedBroker>, std::string> EmbeddedBroker::start(
    int brokers, const std::string& producer_client_id) {
    std::unique_ptr<EmbeddedBroker> b(new EmbeddedBroker());
    // The host starts with no brokers and is pointed at the cluster once it runs.
    KafkaSettings host_settings;
    host_settings.embedded = true;
    auto host = Producer::create(host_settings, producer_client_id);
    if (!host) return std::unexpected("cannot create the broker's host instance: " + host.error());
    b->host_ = std::move(*host);
    b->cluster_ = std::make_unique<Cluster>();
    b->cluster_->handle = rd_kafka_mock_cluster_new(b->host_->native(), brokers);
    if (!b->cluster_->handle)
        return std::unexpected(std::string("cannot start the embedded Kafka cluster"));
    for (const auto& t : lifecycle_topics()) {
        auto e = rd_kafka_mock_topic_create(b->cluster_->handle, t.name.c_str(), t.partitions, 1);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
            return std::unexpected("cannot create topic " + t.name + ": " + rd_kafka_err2str(e));
    }
    b->bootstrap_ = rd_kafka_mock_cluster_bootstraps(b->cluster_->handle);
    if (rd_kafka_brokers_add(b->host_->native(), b->bootstrap_.c_str()) == 0)
        return std::unexpected("cannot point the host instance at " + b->bootstrap_);
    return b;
}

EmbeddedBroker::~EmbeddedBroker() {
    // The host outlives its cluster by a moment: it need not report the brokers gone.
    if (host_) rd_kafka_set_log_level(host_->native(), 0);
    cluster_.reset();
}

void EmbeddedBroker::set_up(bool up) {
    // Mock broker ids start at 1.
    if (up)
        rd_kafka_mock_broker_set_up(cluster_->handle, 1);
    else
        rd_kafka_mock_broker_set_down(cluster_->handle, 1);
}

}  // namespace idledger::workers
