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

struct EmbeddedBroker::Handles {
    rd_kafka_t* host = nullptr;  // the client instance that hosts the mock cluster
    rd_kafka_mock_cluster_t* cluster = nullptr;
    ~Handles() {
        if (cluster) rd_kafka_mock_cluster_destroy(cluster);
        if (host) rd_kafka_destroy(host);
    }
};

std::expected<std::unique_ptr<EmbeddedBroker>, std::string> EmbeddedBroker::start(int brokers) {
    std::unique_ptr<EmbeddedBroker> b(new EmbeddedBroker());
    b->handles_ = std::make_unique<Handles>();
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The hosting instance never talks to a broker itself; keep it quiet.
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    b->handles_->host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!b->handles_->host) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(std::string("cannot create the broker's host instance: ") + err);
    }
    b->handles_->cluster = rd_kafka_mock_cluster_new(b->handles_->host, brokers);
    if (!b->handles_->cluster)
        return std::unexpected(std::string("cannot start the embedded Kafka cluster"));
    for (const auto& t : lifecycle_topics()) {
        auto e = rd_kafka_mock_topic_create(b->handles_->cluster, t.name.c_str(), t.partitions, 1);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
            return std::unexpected("cannot create topic " + t.name + ": " + rd_kafka_err2str(e));
    }
    b->bootstrap_ = rd_kafka_mock_cluster_bootstraps(b->handles_->cluster);
    return b;
}

EmbeddedBroker::~EmbeddedBroker() = default;

void EmbeddedBroker::set_up(bool up) {
    // Mock broker ids start at 1.
    if (up)
        rd_kafka_mock_broker_set_up(handles_->cluster, 1);
    else
        rd_kafka_mock_broker_set_down(handles_->cluster, 1);
}

}  // namespace idledger::workers
