#include "core/rate_limit.hpp"

namespace idledger::api {

RateDecision RateLimiter::check(std::string_view family, std::string_view token_id,
                                int64_t now_ms) {
    auto it = config_.per_minute.find(family);
    int64_t limit = it != config_.per_minute.end() ? it->second : config_.per_minute.at("other");
    std::string key(family);
    key.push_back('|');
    key += token_id;
    std::lock_guard lock(mu_);
    Window& w = windows_[key];
    if (now_ms - w.start_ms >= 60'000) {
        w.start_ms = now_ms;
        w.used = 0;
    }
    RateDecision d;
    d.limit = limit;
    d.reset_epoch_s = (w.start_ms + 60'000 + 999) / 1000;
    if (w.used >= limit) {
        d.allowed = false;
        d.remaining = 0;
        return d;
    }
    ++w.used;
    d.remaining = limit - w.used;
    return d;
}

}  // namespace idledger::api
