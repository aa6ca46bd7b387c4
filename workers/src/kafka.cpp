#include "idledger/workers/kafka.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "consumer_rest.hpp"
#include "idledger/workers/embedded_broker.hpp"
#include "kafka_conf.hpp"

namespace idledger::workers {
namespace detail {

bool set(rd_kafka_conf_t* conf, const char* name, const std::string& value, std::string& error) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        error = std::string(name) + ": " + err;
        return false;
    }
    return true;
}

/// Settings both shapes share. The embedded broker lives in this process: waits are kept short
/// because its fetch handler does not wake early when data arrives.
rd_kafka_conf_t* base_conf(const KafkaSettings& s, const std::string& client_id,
                           std::string& error) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    bool ok = set(conf, "bootstrap.servers", s.brokers, error) &&
              set(conf, "client.id", client_id, error) &&
              set(conf, "socket.nagle.disable", "true", error) &&
              set(conf, "log_level", "3", error) &&
              set(conf, "reconnect.backoff.max.ms", s.embedded ? "500" : "5000", error);
    for (const auto& [name, value] : s.properties) ok = ok && set(conf, name.c_str(), value, error);
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    return conf;
}

std::optional<KafkaMessage> take_message(rd_kafka_message_t* m, std::string* error) {
    if (!m) return std::nullopt;
    std::optional<KafkaMessage> out;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        out = KafkaMessage{
            rd_kafka_topic_name(m->rkt), m->partition, m->offset,
            m->key ? std::string(static_cast<const char*>(m->key), m->key_len) : std::string(),
            std::string(static_cast<const char*>(m->payload), m->len)};
    } else if (error && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        *error = rd_kafka_message_errstr(m);
    }
    rd_kafka_message_destroy(m);
    return out;
}

void yield_consumer(rd_kafka_t* rk) {
    rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
    if (!q) return;
    rd_kafka_queue_yield(q);
    rd_kafka_queue_destroy(q);
}

}  // namespace detail

namespace {

using detail::base_conf;
using detail::set;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) ConsumerRest::delivered();
    auto* done = static_cast<Producer::Delivered*>(m->_private);
    if (!done) return;
    (*done)(m->err == RD_KAFKA_RESP_ERR_NO_ERROR,
            m->err ? rd_kafka_err2str(m->err) : std::string());
    delete done;
}

/// Eager rebalancing as librdkafka does it without a callback; a resting consumer then
/// forgets what it had paused and the offsets it had asked (the opaque is its ConsumerRest slot).
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    if (auto* rest = static_cast<std::unique_ptr<ConsumerRest>*>(opaque); rest && *rest)
        (*rest)->assignment_changed();
    rd_kafka_assign(rk, err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nullptr);
}

}  // namespace

struct Producer::Impl {
    rd_kafka_t* rk = nullptr;
    std::atomic<bool> stop{false};
    std::thread poller;
    bool closed = false;
    void close() {
        if (closed) return;
        closed = true;
        stop = true;
        if (rk) {
            // Wakes the poller's blocking poll at once.
            rd_kafka_queue_t* main = rd_kafka_queue_get_main(rk);
            rd_kafka_queue_yield(main);
            rd_kafka_queue_destroy(main);
        }
        if (poller.joinable()) poller.join();
        if (!rk) return;
        // Delivery reports run on this thread from here on, each exactly once: what is still
        // queued after a second fails now.
        rd_kafka_flush(rk, 1000);
        rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(rk, 1000);
        rd_kafka_poll(rk, 0);
    }
    ~Impl() {
        close();
        if (rk) rd_kafka_destroy(rk);
    }
};

std::expected<std::unique_ptr<Producer>, std::string> Producer::create(
    const KafkaSettings& s, const std::string& client_id) {
    std::string error;
    rd_kafka_conf_t* conf = base_conf(s, client_id, error);
    if (!conf) return std::unexpected(error);
    if (!set(conf, "acks", "all", error) || !set(conf, "enable.idempotence", "true", error) ||
        !set(conf, "linger.ms", "1", error) ||
        // A message not acknowledged in time fails; the relay publishes it again later.
        !set(conf, "message.timeout.ms", s.embedded ? "5000" : "30000", error)) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(error);
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char err[512];
    std::unique_ptr<Producer> p(new Producer());
    p->impl_ = std::make_unique<Impl>();
    p->impl_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!p->impl_->rk) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(std::string("cannot create a Kafka producer: ") + err);
    }
    Impl* impl = p->impl_.get();
    impl->poller = std::thread([impl] {
        // Delivery reports are served the moment they arrive; the timeout only bounds how long
        // an idle poller sleeps (the destructor wakes it).
        while (!impl->stop) rd_kafka_poll(impl->rk, 1000);
    });
    return p;
}

Producer::~Producer() = default;

rd_kafka_t* Producer::native() const { return impl_->rk; }

void Producer::close() { impl_->close(); }

void Producer::produce(const std::string& topic, std::string_view key, std::string_view value,
                       Delivered done) {
    auto* opaque = new Delivered(std::move(done));
    for (int attempt = 0;; ++attempt) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            impl_->rk, RD_KAFKA_V_TOPIC(topic.c_str()),
            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return;
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && attempt < 50) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        (*opaque)(false, rd_kafka_err2str(e));
        delete opaque;
        return;
    }
}

struct Consumer::Impl {
    rd_kafka_t* rk = nullptr;
    std::mutex mu;
    std::map<std::pair<std::string, int32_t>, int64_t> stored;  // highest offset stored
    std::unique_ptr<ConsumerRest> rest;                         // when rest_when_idle
    ~Impl() {
        rest.reset();  // no delivery wakes this consumer any more
        if (!rk) return;
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
};

std::expected<std::unique_ptr<Consumer>, std::string> Consumer::create(
    const KafkaSettings& s, const std::string& group_id, const std::vector<std::string>& topics,
    const std::string& client_id) {
    std::string error;
    rd_kafka_conf_t* conf = base_conf(s, client_id, error);
    if (!conf) return std::unexpected(error);
    bool ok = set(conf, "group.id", group_id, error) &&
              set(conf, "enable.auto.commit", "true", error) &&
              set(conf, "auto.commit.interval.ms", "1000", error) &&
              set(conf, "enable.auto.offset.store", "false", error) &&
              set(conf, "auto.offset.reset", "earliest", error) &&
              set(conf, "fetch.wait.max.ms",
                  std::to_string(s.fetch_wait_ms > 0 ? s.fetch_wait_ms
                                 : s.embedded        ? 2
                                                     : 100),
                  error) &&
              set(conf, "fetch.error.backoff.ms", s.embedded ? "5" : "100", error) &&
              set(conf, "session.timeout.ms", s.embedded ? "3000" : "10000", error) &&
              set(conf, "heartbeat.interval.ms", "1000", error);
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(error);
    }
    char err[512];
    std::unique_ptr<Consumer> c(new Consumer());
    c->impl_ = std::make_unique<Impl>();
    if (s.rest_when_idle) {
        rd_kafka_conf_set_opaque(conf, &c->impl_->rest);
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    }
    c->impl_->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!c->impl_->rk) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(std::string("cannot create a Kafka consumer: ") + err);
    }
    rd_kafka_poll_set_consumer(c->impl_->rk);
    if (s.rest_when_idle) c->impl_->rest = std::make_unique<ConsumerRest>(c->impl_->rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(int(topics.size()));
    for (const auto& t : topics)
        rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(c->impl_->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e) return std::unexpected(std::string("cannot subscribe: ") + rd_kafka_err2str(e));
    return c;
}

Consumer::~Consumer() = default;

std::optional<KafkaMessage> Consumer::poll(int timeout_ms) {
    if (impl_->rest) timeout_ms = impl_->rest->tick(timeout_ms);
    rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->rk, timeout_ms);
    if (!m) return std::nullopt;
    if (impl_->rest) impl_->rest->fetched();
    std::string error;
    auto out = detail::take_message(m, &error);
    if (!error.empty()) std::cerr << "idledger: kafka consumer: " << error << "\n";
    return out;
}

void Consumer::interrupt() { detail::yield_consumer(impl_->rk); }

void Consumer::done(const KafkaMessage& m) {
    {
        std::lock_guard lock(impl_->mu);
        auto& high = impl_->stored[{m.topic, m.partition}];
        if (m.offset + 1 <= high) return;
        high = m.offset + 1;
    }
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, m.topic.c_str(), m.partition)->offset = m.offset + 1;
    rd_kafka_offsets_store(impl_->rk, list);  // fails harmlessly once the partition moved away
    rd_kafka_topic_partition_list_destroy(list);
}

std::expected<void, std::string> ensure_lifecycle_topics(const KafkaSettings& s) {
    std::string error;
    rd_kafka_conf_t* conf = base_conf(s, "idledger-admin", error);
    if (!conf) return std::unexpected(error);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(std::string("cannot create a Kafka admin client: ") + err);
    }
    // Only the missing ones: some clusters (and librdkafka's mock) do not take CreateTopics.
    std::vector<rd_kafka_NewTopic_t*> topics;
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk, 1, nullptr, &md, 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_destroy(rk);
        return std::unexpected(std::string("no metadata from the Kafka cluster within 30 s"));
    }
    for (const auto& t : lifecycle_topics()) {
        bool present = false;
        for (int i = 0; i < md->topic_cnt; ++i)
            present = present || (t.name == md->topics[i].topic && md->topics[i].partition_cnt > 0);
        if (!present)
            topics.push_back(
                rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, -1, err, sizeof err));
    }
    rd_kafka_metadata_destroy(md);
    if (topics.empty()) {
        rd_kafka_destroy(rk);
        return {};
    }
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, topics.data(), topics.size(), nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000);
    if (!ev) {
        error = "no answer from the Kafka cluster within 30 s";
    } else if (const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev)) {
        size_t n = 0;
        const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
        for (size_t i = 0; i < n; ++i) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
            if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                error = std::string("cannot create topic ") +
                        rd_kafka_topic_result_name(results[i]) + ": " + rd_kafka_err2str(e);
        }
    } else if (rd_kafka_event_error(ev)) {
        error = rd_kafka_event_error_string(ev);
    }
    if (ev) rd_kafka_event_destroy(ev);
    for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    if (!error.empty()) return std::unexpected(error);
    return {};
}

}  // namespace idledger::workers
