#pragma once
// Password expiry by policy: every interval, the users whose password is older than the policy's
// maximum age are read from the password-age index (only the due prefix, never every user), and
// an expiry request is appended for each; it travels the same Kafka path as every request, and the
// worker's completion moves the user to PASSWORD_EXPIRED. Time comes from the App's clock.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/app.hpp"

namespace idledger::api {

struct PasswordExpiryPolicy {
    domain::Millis max_age_ms = 0;  // 0: passwords never expire
    domain::Millis warn_ms = 0;     // e-mail a warning this long before (0: no warning)
    std::chrono::milliseconds interval{1000};
    size_t max_per_sweep = 1000;
};

class PasswordExpiryScheduler {
  public:
    PasswordExpiryScheduler(App& app, PasswordExpiryPolicy policy) : app_(app), policy_(policy) {}
    ~PasswordExpiryScheduler() { stop(); }
    void start();
    void stop();
    /// One pass: requests expiry for every due user, a warning for every user within the warning
    /// period (up to max_per_sweep users). Returns how many requests were made.
    size_t sweep();
    /// Completed passes (for /metrics: tests wait on it instead of sleeping).
    uint64_t sweeps() const { return sweeps_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> sweeps_{0};
    App& app_;
    PasswordExpiryPolicy policy_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace idledger::api
