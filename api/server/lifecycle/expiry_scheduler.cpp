#include "lifecycle/expiry_scheduler.hpp"

#include <future>

#include "idledger/domain/user_decide.hpp"
#include "users/user_commands.hpp"

namespace idledger::api {

namespace pj = projections;
using eventstore::decode_u64;

void PasswordExpiryScheduler::start() {
    if (policy_.max_age_ms <= 0) return;
    thread_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!stop_) {
            lock.unlock();
            sweep();
            sweeps_.fetch_add(1, std::memory_order_relaxed);
            lock.lock();
            cv_.wait_for(lock, policy_.interval, [&] { return stop_; });
        }
    });
}

void PasswordExpiryScheduler::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

size_t PasswordExpiryScheduler::sweep() {
    const domain::Millis now = app_.clock.now_ms();
    // Users due for a warning or for expiry: passwordChanged <= now - (max age - warning).
    const domain::Millis cutoff =
        now - policy_.max_age_ms + std::max<domain::Millis>(0, policy_.warn_ms);
    std::vector<std::string> due;
    auto scanned = app_.store.scan(pj::cf::kUsersByPasswordAge, "", "",
                                   [&](std::string_view key, std::string_view) {
                                       if (key.size() <= 8) return true;
                                       if (int64_t(decode_u64(key.substr(0, 8))) > cutoff)
                                           return false;  // the rest is younger
                                       due.emplace_back(key.substr(8));
                                       return due.size() < policy_.max_per_sweep;
                                   });
    if (!scanned || due.empty()) return 0;
    std::vector<std::future<eventstore::Result<eventstore::CommitInfo>>> pending;
    domain::EventMetadata meta;
    meta.actor_id = "system";
    meta.user_agent = "idledger-password-policy";
    const std::string metadata = meta.encode();
    for (const auto& id : due) {
        const domain::Millis max_age = policy_.max_age_ms;
        const domain::Millis warn = policy_.warn_ms;
        const std::string rid = app_.ids.next(domain::id_prefix::kLifecycleRequest);
        pending.push_back(app_.store.submit([id, max_age, warn, rid,
                                             metadata](eventstore::Transaction& tx) {
            auto row = pj::load_user(tx, id);
            if (!row || !*row) return eventstore::Outcome::Commit;
            const domain::User& u = (*row)->user;
            auto event = domain::decide_password_expiry_request(u, max_age, tx.now_ms(), rid);
            if (!event)
                event = domain::decide_password_expiry_warning(u, max_age, warn, tx.now_ms(), rid);
            if (!event) return eventstore::Outcome::Commit;  // not due, or a request is open
            auto state = append_user_events(tx, id, Subject::Existing, *row, {*event}, metadata);
            return state ? eventstore::Outcome::Commit : eventstore::Outcome::Abort;
        }));
    }
    size_t requested = 0;
    for (auto& f : pending) {
        auto r = f.get();
        if (r && !r->events.empty()) ++requested;
    }
    return requested;
}

}  // namespace idledger::api
