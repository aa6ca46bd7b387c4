#pragma once
// Resting consumers. librdkafka's mock cluster (the embedded broker) answers an empty fetch only
// once the whole fetch wait has passed, never early when data arrives, so a consumer on it
// either polls every few milliseconds or adds that wait to every hop. A resting consumer pauses
// its partitions once nothing was fetched or delivered for a while, and resumes the moment a
// producer of this process has a message delivered: an idle server sends almost no fetches, a
// busy one keeps its hop latency. Every two seconds a resting consumer asks the broker for the
// end offsets of its partitions (one ListOffsets request) and wakes when one is past what it has
// consumed: messages produced by other processes (a worker process on this broker). Partitions
// already paused are not paused again, and the group's committed offsets (needed where nothing
// was consumed yet) are asked once per assignment: a look costs one request and few wake-ups.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace idledger::workers {

class ConsumerRest {
  public:
    using Clock = std::chrono::steady_clock;
    /// How long a consumer stays awake after a message or a delivery in this process.
    static constexpr auto kAwake = std::chrono::seconds(1);
    /// How often a resting consumer looks for messages from other processes, and how long it
    /// waits for the broker's answer.
    static constexpr auto kLook = std::chrono::seconds(2);
    static constexpr int kLookTimeoutMs = 200;

    explicit ConsumerRest(rd_kafka_t* rk);
    ~ConsumerRest();
    ConsumerRest(const ConsumerRest&) = delete;
    ConsumerRest& operator=(const ConsumerRest&) = delete;

    /// Called by the consumer's poll loop before each poll: rests when idle, looks every two
    /// seconds. Returns how long that poll may wait (`timeout_ms`, or less so that the consumer
    /// rests on time).
    int tick(int timeout_ms);
    /// A message arrived: stay awake.
    void fetched();
    /// Stay awake until `until` (thread-safe): resumes a resting consumer.
    void wake(Clock::time_point until);

    /// The group gave this consumer other partitions (or the same ones again): nothing is known
    /// paused, and committed offsets are asked again. From the poll thread (rebalance callback).
    void assignment_changed();

    /// Wakes every resting consumer of this process: a message was delivered.
    static void delivered();

  private:
    void set_paused(bool paused);
    /// True when an assigned partition holds messages past this consumer's position (or its
    /// committed offset, before it has consumed any there), or when the broker cannot say.
    bool messages_waiting();
    void extend(Clock::time_point until);

    using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                          decltype(&rd_kafka_topic_partition_list_destroy)>;

    rd_kafka_t* rk_;
    std::atomic<bool> paused_{false};
    // The partitions last paused (null once resumed), so a look re-pauses only a new assignment.
    std::mutex pause_mu_;
    PartitionList paused_list_{nullptr, &rd_kafka_topic_partition_list_destroy};
    // The group's committed offsets for the assignment, as last asked (the poll thread's own).
    PartitionList committed_{nullptr, &rd_kafka_topic_partition_list_destroy};
    std::atomic<Clock::rep> awake_until_{0};
    Clock::time_point rested_at_{};
    // Wakes the broker thread after a resume (a metadata request through it).
    std::mutex kick_mu_;
    std::condition_variable kick_cv_;
    bool kick_ = false, stop_ = false;
    std::thread kicker_;
};

}  // namespace idledger::workers
