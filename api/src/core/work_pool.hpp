#pragma once
// A fixed pool of threads for handlers that block: they wait for the writer's group commit or
// compute password hashes, so the I/O threads never do. A pool may run at a lower scheduling
// priority (`nice`): the query pool's scans then never take the cores from the I/O threads.

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace idledger::api {

class WorkPool {
  public:
    explicit WorkPool(int threads, int nice = 0) {
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this, nice] {
                // Linux keeps a nice value per thread.
                if (nice != 0) (void)setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), nice);
                run();
            });
    }
    ~WorkPool() {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_) t.join();
    }
    /// Blocks until no job is queued or running. The server calls it before it goes away: a
    /// finished job's closure may hold the last reference to a connection, which must not
    /// outlive the server's I/O context.
    void wait_idle() {
        std::unique_lock lock(mu_);
        idle_cv_.wait(lock, [&] { return jobs_.empty() && running_ == 0; });
    }
    void post(std::function<void()> job) {
        {
            std::lock_guard lock(mu_);
            jobs_.push_back(std::move(job));
        }
        cv_.notify_one();
    }

  private:
    void run() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
                ++running_;
            }
            job();
            job = nullptr;  // its captures go now, before the pool counts as idle
            {
                std::lock_guard lock(mu_);
                --running_;
            }
            idle_cv_.notify_all();
        }
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable idle_cv_;
    size_t running_ = 0;
    std::deque<std::function<void()>> jobs_;
    bool stop_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace idledger::api
