#pragma once
// Lifecycle workers: consumers in one group on the request topic. Each request's side effects
// are performed (e-mail; for deprovisioning, the list of credentials to revoke) and a result is
// published to the result topic; the request's offset is committed only once its result is
// acknowledged, so a worker that dies mid-batch leaves its requests to the next owner.

#include <atomic>
#include <condition_variable>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "idledger/workers/kafka.hpp"
#include "idledger/workers/lifecycle_messages.hpp"
#include "idledger/workers/mailer.hpp"

namespace idledger::workers {

inline constexpr const char* kWorkerGroup = "idledger-workers";

/// What a worker does with one request (no Kafka involved): the result to publish.
/// E-mail links are completed with the token derived from `keys.link_key`.
ResultMessage perform(const RequestMessage& request, Mailer& mailer, const WorkerKeys& keys);
/// The same for several requests at once; their e-mails go to the mailer as one batch.
std::vector<ResultMessage> perform_all(const std::vector<RequestMessage>& requests, Mailer& mailer,
                                       const WorkerKeys& keys);

class WorkerPool {
  public:
    /// `threads` consumers, each with its own connection, in the worker group. Results go out
    /// through `results` when given (a producer the process already has, which must outlive the
    /// pool: one client instance fewer, each of which wakes on its own timers), else through
    /// a producer of the pool's own.
    WorkerPool(KafkaSettings kafka, WorkerKeys keys, Mailer& mailer, int threads,
               std::string client_id, Producer* results = nullptr);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Connects and starts consuming; fails with a reason.
    std::expected<void, std::string> start();
    void stop();
    uint64_t processed() const { return processed_; }
    /// Requests dropped: not signed with our key, or not decodable.
    uint64_t forged() const { return forged_; }
    uint64_t malformed() const { return malformed_; }

  private:
    /// Requests performed together at the most (those already fetched when one arrives).
    static constexpr size_t kBatch = 64;
    void run(Consumer& consumer);
    KafkaSettings kafka_;
    WorkerKeys keys_;
    Mailer& mailer_;
    int threads_;
    std::string client_id_;
    std::unique_ptr<Producer> own_producer_;
    Producer* producer_ = nullptr;
    std::vector<std::unique_ptr<Consumer>> consumers_;
    // Results queued whose delivery has not been reported: their reports refer to the consumers,
    // so stop() waits for them before letting the consumers go.
    std::mutex unsettled_mu_;
    std::condition_variable unsettled_cv_;
    size_t unsettled_ = 0;
    std::vector<std::thread> running_;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> processed_{0};
    std::atomic<uint64_t> forged_{0};
    std::atomic<uint64_t> malformed_{0};
};

/// The server's side of the result topic: hands each result to `apply`, which must call `ack`
/// exactly once: when the result's effect is durable, when it was recognised as a duplicate, or
/// when applying failed (the request is then still pending and the relay publishes it again).
class ResultConsumer {
  public:
    using Apply = std::function<void(ResultMessage result, std::function<void()> ack)>;
    /// `group`: this server's own consumer group (every server reads every result).
    ResultConsumer(KafkaSettings kafka, WorkerKeys keys, std::string group, Apply apply);
    ~ResultConsumer();
    ResultConsumer(const ResultConsumer&) = delete;
    ResultConsumer& operator=(const ResultConsumer&) = delete;
    std::expected<void, std::string> start();
    void stop();
    /// Results dropped: not signed with our key (forged), or not decodable.
    uint64_t forged() const { return forged_; }
    uint64_t malformed() const { return malformed_; }

  private:
    KafkaSettings kafka_;
    WorkerKeys keys_;
    std::string group_;
    Apply apply_;
    std::unique_ptr<Consumer> consumer_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> outstanding_{0};
    std::atomic<uint64_t> forged_{0};
    std::atomic<uint64_t> malformed_{0};
};

}  // namespace idledger::workers
