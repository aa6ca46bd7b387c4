#pragma once
// The event log as a Kafka topic (`idledger.log`, one partition, so its order is the log's):
// the primary's publisher appends every committed event after it is durable, and replicas read
// it from the position their snapshot ends at.
//
// A message: key = the event's stream, value = eventstore::encode_event() bytes, whose first
// eight bytes are the position (big-endian), so this layer reads positions without decoding.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "idledger/workers/kafka.hpp"

namespace idledger::workers {

inline constexpr std::string_view kLogTopic = "idledger.log";

/// The position a log message carries (0 when the value is too short to be one).
uint64_t log_message_position(std::string_view value);

/// Reads the log topic's one partition from a chosen offset (no consumer group: a replica keeps
/// its own position in its store).
class LogReader {
  public:
    static std::expected<std::unique_ptr<LogReader>, std::string> create(
        const KafkaSettings& settings, const std::string& client_id);
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    /// The partition's first offset and the offset after its last message, asked of the broker.
    std::expected<std::pair<int64_t, int64_t>, std::string> bounds(int timeout_ms);
    /// The message at `offset`, read from the broker (then reading goes on after it).
    std::expected<KafkaMessage, std::string> read_at(int64_t offset, int timeout_ms);
    /// Reading goes on from `offset`.
    std::expected<void, std::string> start_at(int64_t offset);
    /// The next message, or nullopt when none came within the timeout (or on an error, which is
    /// put in `error` when given).
    std::optional<KafkaMessage> poll(int timeout_ms, std::string* error = nullptr);
    /// The offset after the last message as last heard from the broker (-1: not known yet).
    int64_t known_end() const;
    void interrupt();

  private:
    LogReader() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One committed event as the publisher sends it.
struct LogEntry {
    uint64_t position = 0;
    std::string key;    // the stream
    std::string value;  // eventstore::encode_event()
};

/// Where the publisher reads the committed log (the server's event store).
class LogSource {
  public:
    virtual ~LogSource() = default;
    /// Committed events after `after`, in log order, at most `max`.
    virtual std::vector<LogEntry> read_after(uint64_t after, size_t max) = 0;
    /// The log's last position now.
    virtual uint64_t head() = 0;
    /// Blocks until the log moves past `seen` or `deadline`; returns the log head.
    virtual uint64_t wait_for_log(uint64_t seen,
                                  std::chrono::steady_clock::time_point deadline) = 0;
};

struct LogPublisherOptions {
    /// Messages sent and not yet acknowledged, at most.
    size_t window = 20'000;
    /// Where publishing starts on an empty topic: this many events before the log's head (all
    /// of it by default: a real cluster's topic outlives the server, so it is empty only once).
    /// The embedded broker's topic is new at every start: republishing the recent past lets a
    /// replica that was that close to the head when the primary stopped follow it on, and one
    /// further behind takes a fresh snapshot.
    uint64_t empty_topic_backlog = UINT64_MAX;
};

/// Publishes the committed log, in order, to the log topic. It resumes after the last position
/// the topic holds, so a restart neither skips nor repeats an event; after a failed delivery it
/// waits for every message in flight and resumes after the topic's last message again.
class LogPublisher {
  public:
    LogPublisher(LogSource& source, Producer& producer, KafkaSettings settings,
                 LogPublisherOptions options);
    ~LogPublisher();
    LogPublisher(const LogPublisher&) = delete;
    LogPublisher& operator=(const LogPublisher&) = delete;

    void start();
    void stop();

    struct Stats {
        uint64_t published = 0;  // messages acknowledged
        uint64_t acknowledged_position = 0;
        uint64_t failures = 0;  // deliveries that failed (then resumed from the topic)
    };
    Stats stats() const;

  private:
    void run();
    /// The position after the topic's last message (or the start for an empty topic); nullopt
    /// while the broker cannot be asked.
    std::optional<uint64_t> resume_point();

    LogSource& source_;
    Producer& producer_;
    KafkaSettings settings_;
    LogPublisherOptions options_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    size_t in_flight_ = 0;
    bool failed_ = false;
    bool stop_ = false;
    Stats stats_;
    std::thread thread_;
};

}  // namespace idledger::workers
