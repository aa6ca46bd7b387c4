#include "idledger/workers/relay.hpp"

#include <optional>

namespace idledger::workers {

using Clock = std::chrono::steady_clock;

Relay::Relay(RelaySource& source, Producer& producer, RelayOptions options)
    : source_(source), producer_(producer), options_(options) {}

Relay::~Relay() { stop(); }

void Relay::start() {
    thread_ = std::thread([this] { run(); });
}

void Relay::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
}

void Relay::completed(uint64_t position) {
    {
        std::lock_guard lock(mu_);
        completed_.push_back(position);
    }
}

Relay::Stats Relay::stats() const {
    std::lock_guard lock(mu_);
    Stats s = stats_;
    s.in_flight = in_flight_.size();
    return s;
}

void Relay::publish(uint64_t position, bool again) {
    auto message = source_.compose(position);
    std::lock_guard lock(mu_);
    if (!message) {
        in_flight_.erase(position);
        return;
    }
    in_flight_[position] = InFlight{Clock::now()};
    (again ? stats_.republished : stats_.published) += 1;
    // The lock is held while queueing so a failure report cannot overtake the bookkeeping.
    producer_.produce(std::string(kRequestTopic), message->user_id, encode(*message, options_.keys),
                      [this, position](bool ok, const std::string&) {
                          if (ok) return;
                          {
                              // Not delivered: publish again soon.
                              std::lock_guard l(mu_);
                              auto it = in_flight_.find(position);
                              if (it != in_flight_.end())
                                  it->second.sent = Clock::now() - options_.retry_after;
                          }
                      });
}

void Relay::run() {
    uint64_t seen_head = 0;
    // The log head at the last look for new requests, and whether the window was full then:
    // when the log has not moved and the last look found fewer than it had room for, there is
    // nothing new to find, so an idle relay does not scan the store ten times a second.
    std::optional<uint64_t> looked_at;
    bool window_was_full = false;
    auto next_retry_check = Clock::now();
    for (;;) {
        std::vector<uint64_t> done;
        size_t free_slots = 0;
        {
            std::lock_guard lock(mu_);
            if (stop_) return;
            done.swap(completed_);
            for (uint64_t p : done) in_flight_.erase(p);
            free_slots =
                options_.window > in_flight_.size() ? options_.window - in_flight_.size() : 0;
        }
        // New requests, oldest first, as far as the window allows.
        const bool worth_a_look = !looked_at || *looked_at != seen_head || window_was_full;
        if (free_slots > 0 && worth_a_look) {
            looked_at = seen_head;
            size_t found = 0;
            uint64_t cursor;
            {
                std::lock_guard lock(mu_);
                cursor = cursor_;
            }
            for (uint64_t p : source_.pending_after(cursor, free_slots)) {
                ++found;
                {
                    std::lock_guard lock(mu_);
                    cursor_ = std::max(cursor_, p);
                    if (in_flight_.contains(p)) continue;
                }
                publish(p, /*again=*/false);
            }
            window_was_full = found >= free_slots;
        } else if (free_slots == 0) {
            window_was_full = true;
        }
        // Requests that waited too long: publish again (or forget them if no longer pending).
        if (Clock::now() >= next_retry_check) {
            std::vector<uint64_t> stale;
            {
                std::lock_guard lock(mu_);
                const auto cutoff = Clock::now() - options_.retry_after;
                for (const auto& [p, f] : in_flight_)
                    if (f.sent <= cutoff) stale.push_back(p);
            }
            for (uint64_t p : stale) publish(p, /*again=*/true);
            next_retry_check = Clock::now() + std::chrono::milliseconds(200);
        }
        // Sleep until the log moves, a completion frees a slot, or the retry check is due.
        {
            std::unique_lock lock(mu_);
            if (stop_) return;
            if (!completed_.empty()) continue;
        }
        // With nothing in flight there is nothing to retry: only the log can bring work, so an
        // idle relay wakes once a second (each wake-up costs a few hundred microseconds of a
        // virtual machine's core); a stop waits for that at most, as the log publisher's does.
        bool idle = false;
        {
            std::lock_guard lock(mu_);
            idle = in_flight_.empty();
        }
        const auto wait = idle ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(100);
        seen_head = source_.wait_for_log(seen_head, Clock::now() + wait);
    }
}

}  // namespace idledger::workers
