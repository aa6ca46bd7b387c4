#include "consumer_rest.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace idledger::workers {
namespace {

std::mutex& registry_mutex() {
    static std::mutex mu;
    return mu;
}

std::vector<ConsumerRest*>& registry() {
    static std::vector<ConsumerRest*> all;
    return all;
}

std::atomic<bool>& anyone_resting() {
    static std::atomic<bool> any{false};
    return any;
}

}  // namespace

ConsumerRest::ConsumerRest(rd_kafka_t* rk) : rk_(rk) {
    kicker_ = std::thread([this] {
        std::unique_lock lock(kick_mu_);
        for (;;) {
            kick_cv_.wait(lock, [this] { return kick_ || stop_; });
            if (stop_) return;
            kick_ = false;
            lock.unlock();
            const rd_kafka_metadata_t* md = nullptr;
            if (rd_kafka_metadata(rk_, 0, nullptr, &md, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR)
                rd_kafka_metadata_destroy(md);
            lock.lock();
        }
    });
    wake(Clock::now() + kAwake);
    std::lock_guard lock(registry_mutex());
    registry().push_back(this);
    anyone_resting() = true;
}

ConsumerRest::~ConsumerRest() {
    {
        std::lock_guard lock(registry_mutex());
        std::erase(registry(), this);
        anyone_resting() = !registry().empty();
    }
    {
        std::lock_guard lock(kick_mu_);
        stop_ = true;
        kick_cv_.notify_one();
    }
    kicker_.join();
}

void ConsumerRest::set_paused(bool paused) {
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(rk_, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR || !assigned) return;
    if (paused) {
        rd_kafka_pause_partitions(rk_, assigned);
    } else {
        rd_kafka_resume_partitions(rk_, assigned);
        // The broker thread notices a resumed partition only when it next wakes (up to a
        // second later); a request through it wakes it now.
        std::lock_guard lock(kick_mu_);
        kick_ = true;
        kick_cv_.notify_one();
    }
    rd_kafka_topic_partition_list_destroy(assigned);
}

bool ConsumerRest::messages_waiting() {
    rd_kafka_topic_partition_list_t* at = nullptr;
    if (rd_kafka_assignment(rk_, &at) != RD_KAFKA_RESP_ERR_NO_ERROR || !at) return true;
    if (at->cnt == 0) {
        rd_kafka_topic_partition_list_destroy(at);
        return false;
    }
    rd_kafka_topic_partition_list_t* ends = rd_kafka_topic_partition_list_copy(at);
    for (int i = 0; i < ends->cnt; ++i) ends->elems[i].offset = RD_KAFKA_OFFSET_END;
    bool waiting =
        rd_kafka_position(rk_, at) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_offsets_for_times(rk_, ends, kLookTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR;
    // Where nothing was consumed since the assignment, the group's committed offset says where
    // consuming starts (asked only then: one more request).
    bool unknown = false;
    for (int i = 0; i < at->cnt; ++i) unknown = unknown || at->elems[i].offset < 0;
    rd_kafka_topic_partition_list_t* committed = nullptr;
    if (!waiting && unknown) {
        committed = rd_kafka_topic_partition_list_copy(at);
        waiting = rd_kafka_committed(rk_, committed, kLookTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    for (int i = 0; !waiting && i < at->cnt; ++i) {
        const auto& p = at->elems[i];
        const rd_kafka_topic_partition_t* end =
            rd_kafka_topic_partition_list_find(ends, p.topic, p.partition);
        if (!end || end->err || end->offset < 0) {
            waiting = true;  // the broker could not say
            break;
        }
        int64_t from = p.offset;
        if (from < 0 && committed) {
            const rd_kafka_topic_partition_t* c =
                rd_kafka_topic_partition_list_find(committed, p.topic, p.partition);
            from = c && !c->err && c->offset >= 0 ? c->offset : 0;  // none: from the start
        }
        waiting = end->offset > std::max<int64_t>(from, 0);
    }
    if (committed) rd_kafka_topic_partition_list_destroy(committed);
    rd_kafka_topic_partition_list_destroy(ends);
    rd_kafka_topic_partition_list_destroy(at);
    return waiting;
}

int ConsumerRest::tick(int timeout_ms) {
    const auto now = Clock::now();
    if (paused_) {
        if (now - rested_at_ < kLook) return timeout_ms;
        rested_at_ = now;
        if (messages_waiting())
            wake(Clock::now() + kAwake);  // other processes' messages
        else
            set_paused(true);  // partitions assigned since the consumer rested fetch otherwise
        return timeout_ms;
    }
    const auto left =
        std::chrono::nanoseconds(awake_until_.load() - now.time_since_epoch().count());
    if (left > std::chrono::nanoseconds(0))
        return std::clamp(
            int(std::chrono::duration_cast<std::chrono::milliseconds>(left).count()) + 1, 1,
            timeout_ms);
    set_paused(true);
    rested_at_ = now;
    paused_ = true;
    // A delivery between the check above and here woke nobody (not yet paused): look again.
    if (Clock::now().time_since_epoch().count() < awake_until_.load() && paused_.exchange(false))
        set_paused(false);
    return timeout_ms;
}

void ConsumerRest::fetched() { extend(Clock::now() + kAwake); }

void ConsumerRest::extend(Clock::time_point until) {
    const auto u = until.time_since_epoch().count();
    Clock::rep seen = awake_until_.load();
    while (seen < u && !awake_until_.compare_exchange_weak(seen, u)) {
    }
}

void ConsumerRest::wake(Clock::time_point until) {
    extend(until);
    if (paused_.exchange(false)) set_paused(false);
}

void ConsumerRest::delivered() {
    if (!anyone_resting().load(std::memory_order_relaxed)) return;
    const auto until = Clock::now() + kAwake;
    std::lock_guard lock(registry_mutex());
    for (ConsumerRest* c : registry()) c->wake(until);
}

}  // namespace idledger::workers
