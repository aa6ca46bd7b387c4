#pragma once
// Everything a handler can reach: the store, the read models, the clock, ids, configuration.
// One App per server process; shared by all threads (every member is thread-safe).

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/auth_cache.hpp"
#include "core/completions.hpp"
#include "core/lifecycle_port.hpp"
#include "core/metrics.hpp"
#include "core/rate_limit.hpp"
#include "core/render_cache.hpp"
#include "core/replica_port.hpp"
#include "core/security_log.hpp"
#include "core/work_pool.hpp"
#include "idledger/domain/clock.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/sign_in.hpp"
#include "idledger/domain/threat_detector.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api {

namespace oauth {
class KeyRing;
}

struct AppConfig {
    domain::PasswordPolicy password_policy;
    domain::Argon2Params argon2;
    RateLimitConfig rate_limits;
    int handler_threads = 64;
    /// Threads (low priority) for Exec::Query routes.
    int query_threads = 2;
    std::string data_dir;
    bool read_only = false;  // a point-in-time copy or a replica: nothing changes locally
    /// How long a call without `Prefer: respond-async` waits for its asynchronous transition.
    std::chrono::milliseconds sync_wait{10000};
    domain::Millis activation_token_ttl_ms = 7LL * 24 * 3600 * 1000;
    domain::Millis reset_token_ttl_ms = 3600LL * 1000;
    /// Sign-in: failures in a row before LOCKED_OUT, and the automatic unlock (0: none).
    domain::LockoutPolicy lockout;
    /// The password policy's maximum age and the warning before it (0: none); a sign-in within
    /// the warning answers PASSWORD_WARN.
    domain::Millis password_max_age_ms = 0;
    domain::Millis password_warn_ms = 0;
    /// The one-time session token a successful sign-in answers with.
    domain::Millis session_token_ttl_ms = 5LL * 60 * 1000;
    /// The authorization server: how long what it issues lives (Okta's defaults).
    domain::Millis access_token_ttl_ms = 3600LL * 1000;
    domain::Millis refresh_token_ttl_ms = 90LL * 24 * 3600 * 1000;
    domain::Millis authorization_code_ttl_ms = 60LL * 1000;
    domain::Millis session_ttl_ms = 2LL * 3600 * 1000;
    /// ThreatInsight's detection thresholds (domain/threat_detector.hpp).
    domain::ThreatSettings threats;
    /// Test hooks (moving the clock, stopping the embedded broker): never in production.
    bool test_hooks = false;
    /// The org's base URL (scheme://host[:port]): every absolute URL the server writes (Link
    /// headers, _links, activation and reset URLs) starts with it. Set before the first request.
    std::string public_url;
    /// Host header values (host[:port], compared case-insensitively) that may stand in for the
    /// public URL's host; any other Host is ignored, never reflected.
    std::vector<std::string> allowed_hosts;
    /// Rows a users query no index can answer reads per request at most; past it the page ends
    /// early with a `next` cursor (clients follow it), so no request holds a thread for long.
    size_t scan_bound = 25'000;
    /// How long a read carrying X-Idledger-Min-Position waits for this node to reach it, and a
    /// replica's forwarded write for its own position, before answering anyway (503 for reads).
    std::chrono::milliseconds position_wait{5000};
    /// GET /metrics without a token (otherwise super administrators only).
    bool metrics_public = false;
};

struct App {
    App(eventstore::EventStore& s, domain::Clock& c, domain::IdSource& i, AppConfig cfg)
        : store(s),
          reader(s),
          documents(s),
          clock(c),
          ids(i),
          config(std::move(cfg)),
          limiter(config.rate_limits),
          metrics(route_labels()),
          security_log(s, c),
          threats(config.threats),
          pool(config.handler_threads),
          query_pool(config.query_threads, /*nice=*/10) {
        watch_commits();
    }
    ~App() { store.observe_commits(nullptr); }
    App(const App&) = delete;
    App& operator=(const App&) = delete;
    /// Tells the caches that must never serve a replaced state of every committed event.
    void watch_commits();

    /// Metric labels: the route table's operation ids, in table order.
    static std::vector<std::string> route_labels();

    eventstore::EventStore& store;
    projections::Reader reader;             // users
    projections::DocumentReader documents;  // every kit resource
    domain::Clock& clock;
    domain::IdSource& ids;
    AppConfig config;
    RateLimiter limiter;
    Metrics metrics;
    SecurityLog security_log;
    /// Addresses behind credential attacks, learned from failed sign-ins (ThreatInsight).
    domain::ThreatDetector threats;
    AuthCache auth_cache;
    RenderCache rendered_users;
    Completions completions;  // callers waiting for their asynchronous transition
    /// The key one-time link tokens are derived with (server_secrets); set at start-up.
    std::string link_key;
    /// The authorization servers' signing keys (oauth/key_ring.cpp), opened on first use.
    std::shared_ptr<oauth::KeyRing> oauth_keys;
    std::once_flag oauth_keys_once;
    /// The asynchronous lifecycle (Kafka relay, workers, result consumer); null when off.
    LifecyclePort* lifecycle = nullptr;
    /// A read replica's link to its primary (`idledger replica`); null on a primary.
    ReplicaPort* replica = nullptr;
    /// Removes what the server keeps of a permanently deleted user outside the store (e-mails
    /// written as files); set by `serve`.
    std::function<void(const std::string& user_id)> forget_user_files;
    /// Moves this process's clock (test hooks only); null when the clock is fixed.
    std::function<void(domain::Millis)> advance_clock;
    WorkPool pool;  // runs handlers that block (writes, hashing)
    /// Runs reads that may scan (lists, searches, the System Log) at a low priority, a few at a
    /// time: however many scans are asked for, the I/O threads and the writer keep the cores.
    WorkPool query_pool;
    /// Posts to the HTTP I/O threads (set by `serve`).
    std::function<void(std::function<void()>)> io_post;
    /// Runs a continuation on an I/O thread (in place when no server is attached). The writer
    /// completes a whole group commit at once: continuations queued meanwhile share one post, so
    /// a batch wakes the I/O threads once rather than once per command.
    void run_on_io(std::function<void()> fn) {
        if (!io_post) return fn();
        bool first = false;
        {
            std::lock_guard lock(io_mu_);
            first = io_queue_.empty();
            io_queue_.push_back(std::move(fn));
        }
        if (first) io_post([this] { drain_io_queue(); });
    }

  private:
    void drain_io_queue() {
        std::vector<std::function<void()>> jobs;
        {
            std::lock_guard lock(io_mu_);
            jobs.swap(io_queue_);
        }
        for (auto& job : jobs) job();
    }
    std::mutex io_mu_;
    std::vector<std::function<void()>> io_queue_;

  public:
};

}  // namespace idledger::api
