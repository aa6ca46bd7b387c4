#include "consumer_rest.hpp"

#include <algorithm>
#include <memory>
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

/// A librdkafka partition list, destroyed with its owner.
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                      decltype(&rd_kafka_topic_partition_list_destroy)>;

PartitionList owned(rd_kafka_topic_partition_list_t* list) {
    return PartitionList(list, &rd_kafka_topic_partition_list_destroy);
}

PartitionList assignment(rd_kafka_t* rk) {
    rd_kafka_topic_partition_list_t* list = nullptr;
    const auto e = rd_kafka_assignment(rk, &list);
    PartitionList out = owned(list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) out.reset();
    return out;
}

/// Whether two lists name the same partitions (offsets aside).
bool same_partitions(const rd_kafka_topic_partition_list_t* a,
                     const rd_kafka_topic_partition_list_t* b) {
    if (!a || !b || a->cnt != b->cnt) return false;
    for (int i = 0; i < a->cnt; ++i)
        if (!rd_kafka_topic_partition_list_find(b, a->elems[i].topic, a->elems[i].partition))
            return false;
    return true;
}

/// Where consuming `p` goes on: its position, or (nothing consumed there since the assignment)
/// the group's committed offset, or the start.
int64_t consuming_from(const rd_kafka_topic_partition_t& p,
                       const rd_kafka_topic_partition_list_t* committed) {
    if (p.offset >= 0) return p.offset;
    const rd_kafka_topic_partition_t* c =
        committed ? rd_kafka_topic_partition_list_find(committed, p.topic, p.partition) : nullptr;
    return c && !c->err && c->offset >= 0 ? c->offset : 0;
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
    PartitionList assigned = assignment(rk_);
    if (!assigned) return;
    std::lock_guard pause_lock(pause_mu_);
    if (paused) {
        // Pausing is one operation per partition through librdkafka's threads: skipped when
        // these very partitions are paused already (each look would otherwise pause them again).
        if (same_partitions(paused_list_.get(), assigned.get())) return;
        rd_kafka_pause_partitions(rk_, assigned.get());
        paused_list_ = std::move(assigned);
        return;
    }
    paused_list_.reset();
    rd_kafka_resume_partitions(rk_, assigned.get());
    // The broker thread notices a resumed partition only when it next wakes (up to a second
    // later); a request through it wakes it now.
    std::lock_guard lock(kick_mu_);
    kick_ = true;
    kick_cv_.notify_one();
}

bool ConsumerRest::messages_waiting() {
    PartitionList at = assignment(rk_);
    if (!at) return true;
    if (at->cnt == 0) return false;
    PartitionList ends = owned(rd_kafka_topic_partition_list_copy(at.get()));
    for (int i = 0; i < ends->cnt; ++i) ends->elems[i].offset = RD_KAFKA_OFFSET_END;
    if (rd_kafka_position(rk_, at.get()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_offsets_for_times(rk_, ends.get(), kLookTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return true;  // the broker could not say
    // Where nothing was consumed since the assignment, the group's committed offset says where
    // consuming starts. Only this consumer commits for its partitions, so the offsets asked
    // once for an assignment hold until it changes; a look that would wake on them asks again.
    const bool unconsumed =
        std::any_of(at->elems, at->elems + at->cnt, [](const auto& p) { return p.offset < 0; });
    if (unconsumed && !same_partitions(committed_.get(), at.get())) committed_.reset();
    for (bool fresh = false;; fresh = true) {
        if (unconsumed && !committed_) {
            committed_ = owned(rd_kafka_topic_partition_list_copy(at.get()));
            if (rd_kafka_committed(rk_, committed_.get(), kLookTimeoutMs) !=
                RD_KAFKA_RESP_ERR_NO_ERROR) {
                committed_.reset();
                return true;
            }
            fresh = true;
        }
        bool waiting = false;
        for (int i = 0; i < at->cnt && !waiting; ++i) {
            const rd_kafka_topic_partition_t& p = at->elems[i];
            const rd_kafka_topic_partition_t* end =
                rd_kafka_topic_partition_list_find(ends.get(), p.topic, p.partition);
            if (!end || end->err || end->offset < 0) return true;  // the broker could not say
            waiting = end->offset > consuming_from(p, unconsumed ? committed_.get() : nullptr);
        }
        if (!waiting || fresh || !unconsumed) return waiting;
        committed_.reset();  // ask again before waking on what may be an old answer
    }
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

void ConsumerRest::assignment_changed() {
    committed_.reset();
    std::lock_guard lock(pause_mu_);
    paused_list_.reset();
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
