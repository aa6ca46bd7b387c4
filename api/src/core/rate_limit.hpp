#pragma once
// Okta-style rate limits: a per-minute budget per endpoint family and API token.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace idledger::api {

struct RateLimitConfig {
    /// Requests per minute per family and token. Defaults are far above Okta's so that
    /// provisioning pipelines are never throttled; `--rate-limit FAMILY=N` lowers them.
    std::map<std::string, int64_t, std::less<>> per_minute = {
        {"users", 6'000'000}, {"user", 6'000'000},   {"api-tokens", 600'000}, {"logs", 120'000},
        {"authn", 60'000},    {"oauth2", 6'000'000}, {"other", 1'200'000}};
};

struct RateDecision {
    bool allowed = true;
    int64_t limit = 0;
    int64_t remaining = 0;
    int64_t reset_epoch_s = 0;
};

class RateLimiter {
  public:
    explicit RateLimiter(const RateLimitConfig& config) : config_(config) {}
    /// Counts one request. Thread-safe.
    RateDecision check(std::string_view family, std::string_view token_id, int64_t now_ms);

  private:
    struct Window {
        int64_t start_ms = 0;
        int64_t used = 0;
    };
    const RateLimitConfig& config_;
    std::mutex mu_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace idledger::api
