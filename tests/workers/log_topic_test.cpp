// The log publisher against the embedded broker (librdkafka's mock cluster, in this process):
// the topic holds every committed position once, in order, across publisher restarts and a
// broker that goes down and comes back; a reader finds any position by offset.

#include "idledger/workers/log_topic.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "idledger/workers/embedded_broker.hpp"

using namespace idledger::workers;

namespace {

/// A committed log in memory: entries 1..head, value = 8-byte position + text.
class MemoryLog final : public LogSource {
  public:
    void commit(uint64_t n) {
        {
            std::lock_guard lock(mu_);
            head_ += n;
        }
        cv_.notify_all();
    }
    std::vector<LogEntry> read_after(uint64_t after, size_t max) override {
        std::lock_guard lock(mu_);
        std::vector<LogEntry> out;
        for (uint64_t p = after + 1; p <= head_ && out.size() < max; ++p) {
            std::string value(8, '\0');
            for (int i = 0; i < 8; ++i) value[size_t(i)] = char((p >> (56 - 8 * i)) & 0xff);
            out.push_back({p, "stream-" + std::to_string(p % 5), value + "event"});
        }
        return out;
    }
    uint64_t head() override {
        std::lock_guard lock(mu_);
        return head_;
    }
    uint64_t wait_for_log(uint64_t seen, std::chrono::steady_clock::time_point deadline) override {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, deadline, [&] { return head_ > seen; });
        return head_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    uint64_t head_ = 0;
};

KafkaSettings settings_for(const EmbeddedBroker& broker) {
    KafkaSettings s;
    s.brokers = broker.bootstrap();
    s.embedded = true;
    return s;
}

/// Every message on the topic, by offset.
std::vector<uint64_t> topic_positions(const KafkaSettings& s, size_t expect) {
    auto reader = LogReader::create(s, "test-reader");
    EXPECT_TRUE(reader);
    auto bounds = (*reader)->bounds(5000);
    EXPECT_TRUE(bounds);
    std::vector<uint64_t> out;
    if (!bounds || bounds->second <= bounds->first) return out;
    EXPECT_TRUE((*reader)->start_at(bounds->first));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.size() < expect && std::chrono::steady_clock::now() < deadline)
        if (auto m = (*reader)->poll(100)) out.push_back(log_message_position(m->value));
    return out;
}

void wait_acknowledged(const LogPublisher& p, uint64_t position) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (p.stats().acknowledged_position < position &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GE(p.stats().acknowledged_position, position);
}

}  // namespace

TEST(LogTopic, EveryPositionOnceInOrderAcrossRestartsAndABrokerOutage) {
    auto broker = EmbeddedBroker::start();
    ASSERT_TRUE(broker) << broker.error();
    const KafkaSettings s = settings_for(**broker);
    auto producer = Producer::create(s, "test-log-producer");
    ASSERT_TRUE(producer) << producer.error();
    MemoryLog log;
    log.commit(500);
    {
        LogPublisher publisher(log, **producer, s, {});
        publisher.start();
        wait_acknowledged(publisher, 500);
        log.commit(300);
        // Stopped while the log still grows: the next publisher resumes after the topic's last.
        publisher.stop();
    }
    log.commit(200);
    {
        LogPublisher publisher(log, **producer, s, {});
        publisher.start();
        wait_acknowledged(publisher, 1000);
        // The broker goes away while events are committed; they arrive once it is back.
        (*broker)->set_up(false);
        log.commit(100);
        // Down past the producer's message timeout: deliveries fail, and the publisher resumes
        // after the topic's last message once the broker is back.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (publisher.stats().failures == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_GT(publisher.stats().failures, 0u);
        (*broker)->set_up(true);
        wait_acknowledged(publisher, 1100);
    }
    const auto positions = topic_positions(s, 1100);
    ASSERT_EQ(positions.size(), 1100u);
    for (size_t i = 0; i < positions.size(); ++i) ASSERT_EQ(positions[i], i + 1) << "offset " << i;

    // A reader finds a position by its offset and reads on from there.
    auto reader = LogReader::create(s, "test-seek");
    ASSERT_TRUE(reader);
    auto at = (*reader)->read_at(741, 5000);
    ASSERT_TRUE(at) << at.error();
    EXPECT_EQ(log_message_position(at->value), 742u);
    auto next = (*reader)->poll(5000);
    ASSERT_TRUE(next);
    EXPECT_EQ(log_message_position(next->value), 743u);
}

namespace {

/// What lands on a fresh embedded broker's (empty) topic when the log has `first` events at the
/// publisher's start and `more` commits follow, with `backlog`; `published` gets its count.
std::vector<uint64_t> publish_on_an_empty_topic(uint64_t backlog, uint64_t first, uint64_t more,
                                                uint64_t expected, uint64_t& published) {
    auto broker = EmbeddedBroker::start();
    EXPECT_TRUE(broker) << broker.error();
    if (!broker) return {};
    const KafkaSettings s = settings_for(**broker);
    auto producer = Producer::create(s, "test-log-producer");
    EXPECT_TRUE(producer);
    if (!producer) return {};
    MemoryLog log;
    log.commit(first);
    LogPublisher publisher(log, **producer, s, {.window = 20'000, .empty_topic_backlog = backlog});
    publisher.start();
    wait_acknowledged(publisher, first);
    if (more) {
        log.commit(more);
        wait_acknowledged(publisher, first + more);
    }
    published = publisher.stats().published;
    publisher.stop();
    return topic_positions(s, expected);
}

}  // namespace

TEST(LogTopic, AnEmptyTopicStartsTheBacklogBeforeTheLogsHead) {
    // The embedded broker's topic is new at every start: the publisher republishes the recent
    // past, so a replica that was that close to the head follows on without a snapshot.
    uint64_t published = 0;
    const auto positions = publish_on_an_empty_topic(15, 40, 10, 25, published);
    EXPECT_EQ(published, 25u);
    ASSERT_EQ(positions.size(), 25u);
    // From the backlog's start, every position once and in order.
    for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], 26u + i);
}

TEST(LogTopic, ABacklogLongerThanTheLogPublishesAllOfIt) {
    uint64_t published = 0;
    const auto positions = publish_on_an_empty_topic(1000, 7, 0, 7, published);
    EXPECT_EQ(published, 7u);
    ASSERT_EQ(positions.size(), 7u);
    for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], 1u + i);
}
