#pragma once
// Callers waiting for an asynchronous transition to complete: a handler registers its request id
// before the request is appended, and the result consumer signals it once the completion is
// durable. Waiting is bounded by the caller.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace idledger::api {

class Completions {
  public:
    struct Waiter {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
    };

    std::shared_ptr<Waiter> expect(const std::string& request_id) {
        auto w = std::make_shared<Waiter>();
        std::lock_guard lock(mu_);
        waiters_[request_id] = w;
        return w;
    }

    void complete(const std::string& request_id) {
        std::shared_ptr<Waiter> w;
        {
            std::lock_guard lock(mu_);
            auto it = waiters_.find(request_id);
            if (it == waiters_.end()) return;
            w = std::move(it->second);
            waiters_.erase(it);
        }
        {
            std::lock_guard lock(w->mu);
            w->done = true;
        }
        w->cv.notify_all();
    }

    /// True when completed within `timeout`. Forgets the registration either way.
    bool wait(const std::string& request_id, const std::shared_ptr<Waiter>& w,
              std::chrono::milliseconds timeout) {
        bool done;
        {
            std::unique_lock lock(w->mu);
            done = w->cv.wait_for(lock, timeout, [&] { return w->done; });
        }
        forget(request_id);
        return done;
    }

    void forget(const std::string& request_id) {
        std::lock_guard lock(mu_);
        waiters_.erase(request_id);
    }

  private:
    std::mutex mu_;
    std::unordered_map<std::string, std::shared_ptr<Waiter>> waiters_;
};

}  // namespace idledger::api
