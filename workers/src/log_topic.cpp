#include "idledger/workers/log_topic.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <iostream>

#include "kafka_conf.hpp"

namespace idledger::workers {

uint64_t log_message_position(std::string_view value) {
    if (value.size() < 8) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = (v << 8) | uint8_t(value[i]);
    return v;
}

struct LogReader::Impl {
    rd_kafka_t* rk = nullptr;
    ~Impl() {
        if (!rk) return;
        rd_kafka_assign(rk, nullptr);
        rd_kafka_destroy(rk);
    }
};

std::expected<std::unique_ptr<LogReader>, std::string> LogReader::create(
    const KafkaSettings& s, const std::string& client_id) {
    std::string error;
    rd_kafka_conf_t* conf = detail::base_conf(s, client_id, error);
    if (!conf) return std::unexpected(error);
    // A group id only because librdkafka's consumer wants one; nothing is ever committed.
    const bool ok = detail::set(conf, "group.id", client_id, error) &&
                    detail::set(conf, "enable.auto.commit", "false", error) &&
                    detail::set(conf, "enable.auto.offset.store", "false", error) &&
                    detail::set(conf, "enable.partition.eof", "false", error) &&
                    detail::set(conf, "fetch.wait.max.ms",
                                std::to_string(s.fetch_wait_ms > 0 ? s.fetch_wait_ms
                                               : s.embedded        ? 5
                                                                   : 100),
                                error) &&
                    detail::set(conf, "fetch.error.backoff.ms", s.embedded ? "5" : "100", error);
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(error);
    }
    char err[512];
    std::unique_ptr<LogReader> r(new LogReader());
    r->impl_ = std::make_unique<Impl>();
    r->impl_->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!r->impl_->rk) {
        rd_kafka_conf_destroy(conf);
        return std::unexpected(std::string("cannot create a Kafka consumer: ") + err);
    }
    rd_kafka_poll_set_consumer(r->impl_->rk);
    return r;
}

LogReader::~LogReader() = default;

std::expected<std::pair<int64_t, int64_t>, std::string> LogReader::bounds(int timeout_ms) {
    int64_t low = 0, high = 0;
    const auto e = rd_kafka_query_watermark_offsets(impl_->rk, std::string(kLogTopic).c_str(), 0,
                                                    &low, &high, timeout_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        return std::unexpected(std::string("cannot read the log topic's offsets: ") +
                               rd_kafka_err2str(e));
    return std::pair{low, high};
}

std::expected<void, std::string> LogReader::start_at(int64_t offset) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, std::string(kLogTopic).c_str(), 0)->offset = offset;
    const auto e = rd_kafka_assign(impl_->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        return std::unexpected(std::string("cannot read the log topic: ") + rd_kafka_err2str(e));
    return {};
}

std::optional<KafkaMessage> LogReader::poll(int timeout_ms, std::string* error) {
    return detail::take_message(rd_kafka_consumer_poll(impl_->rk, timeout_ms), error);
}

std::expected<KafkaMessage, std::string> LogReader::read_at(int64_t offset, int timeout_ms) {
    if (auto s = start_at(offset); !s) return std::unexpected(s.error());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string error;
    while (std::chrono::steady_clock::now() < deadline) {
        auto m = poll(100, &error);
        if (m && m->offset == offset) return std::move(*m);
    }
    return std::unexpected("no message at offset " + std::to_string(offset) + " of the log topic" +
                           (error.empty() ? "" : ": " + error));
}

int64_t LogReader::known_end() const {
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(impl_->rk, std::string(kLogTopic).c_str(), 0, &low, &high) !=
        RD_KAFKA_RESP_ERR_NO_ERROR)
        return -1;
    return high;
}

void LogReader::interrupt() { detail::yield_consumer(impl_->rk); }

LogPublisher::LogPublisher(LogSource& source, Producer& producer, KafkaSettings settings,
                           LogPublisherOptions options)
    : source_(source), producer_(producer), settings_(std::move(settings)), options_(options) {}

LogPublisher::~LogPublisher() { stop(); }

void LogPublisher::start() {
    thread_ = std::thread([this] { run(); });
}

void LogPublisher::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    // Deliveries still to come touch this object: wait for them (the producer fails whatever
    // it cannot deliver, so each callback comes).
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return in_flight_ == 0; });
}

LogPublisher::Stats LogPublisher::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

std::optional<uint64_t> LogPublisher::resume_point() {
    auto reader = LogReader::create(settings_, "idledger-log-publisher");
    if (!reader) return std::nullopt;
    auto b = (*reader)->bounds(5000);
    if (!b) return std::nullopt;
    const auto [low, high] = *b;
    if (high <= low) {
        const uint64_t head = source_.head();
        return head < options_.empty_topic_backlog ? 1 : head - options_.empty_topic_backlog + 1;
    }
    auto last = (*reader)->read_at(high - 1, 5000);
    if (!last) return std::nullopt;
    return log_message_position(last->value) + 1;
}

void LogPublisher::run() {
    uint64_t next = 0;  // the next position to publish; 0: ask the topic
    for (;;) {
        {
            std::unique_lock lock(mu_);
            if (stop_) return;
            if (failed_) {
                // Resume after what the topic holds, once nothing is in flight any more.
                cv_.wait(lock, [&] { return stop_ || in_flight_ == 0; });
                if (stop_) return;
                failed_ = false;
                next = 0;
            }
            cv_.wait(lock, [&] { return stop_ || failed_ || in_flight_ < options_.window; });
            if (stop_) return;
            if (failed_) continue;
        }
        if (next == 0) {
            auto at = resume_point();
            if (!at) {
                std::unique_lock lock(mu_);
                cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
                continue;
            }
            next = *at;
            const uint64_t head = source_.head();
            if (next > head + 1) {
                std::cerr << "idledger: the log topic holds position " << next - 1
                          << ", past this store's last event " << head
                          << ": it belongs to another store; nothing is published\n";
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stop_; });
                return;
            }
        }
        size_t room = 0;
        {
            std::lock_guard lock(mu_);
            room = options_.window - in_flight_;
        }
        auto entries = source_.read_after(next - 1, std::min<size_t>(room, 4096));
        if (entries.empty()) {
            source_.wait_for_log(next - 1,
                                 std::chrono::steady_clock::now() + std::chrono::seconds(1));
            continue;
        }
        {
            std::lock_guard lock(mu_);
            in_flight_ += entries.size();
        }
        for (auto& e : entries) {
            const uint64_t position = e.position;
            producer_.produce(std::string(kLogTopic), e.key, e.value,
                              [this, position](bool ok, const std::string& error) {
                                  std::lock_guard lock(mu_);
                                  --in_flight_;
                                  if (ok) {
                                      ++stats_.published;
                                      stats_.acknowledged_position =
                                          std::max(stats_.acknowledged_position, position);
                                  } else {
                                      if (!failed_)
                                          std::cerr << "idledger: log topic: position " << position
                                                    << " not delivered: " << error << "\n";
                                      failed_ = true;
                                      ++stats_.failures;
                                  }
                                  cv_.notify_all();
                              });
        }
        next = entries.back().position + 1;
    }
}

}  // namespace idledger::workers
