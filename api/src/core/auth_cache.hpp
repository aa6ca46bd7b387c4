#pragma once
// Remembers who a token is, so a request does not hash the token and read two rows again.
// Any committed event that can change who may act (a token created or revoked, a user's status
// or roles changing) bumps the generation, which invalidates every entry at once.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace idledger::api {

struct CachedPrincipal {
    std::string user_id;
    std::string token_id;
    std::vector<std::string> roles;
};

class AuthCache {
  public:
    /// Thread-safe.
    std::optional<CachedPrincipal> find(const std::string& token) const {
        const uint64_t gen = generation_.load(std::memory_order_acquire);
        std::lock_guard lock(mu_);
        auto it = entries_.find(token);
        if (it == entries_.end() || it->second.generation != gen) return std::nullopt;
        return it->second.principal;
    }
    /// `generation` must be the value read before the principal was looked up.
    void put(const std::string& token, CachedPrincipal p, uint64_t generation) {
        std::lock_guard lock(mu_);
        if (entries_.size() > 100'000) entries_.clear();
        entries_[token] = Entry{std::move(p), generation};
    }
    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    void invalidate() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  private:
    struct Entry {
        CachedPrincipal principal;
        uint64_t generation;
    };
    mutable std::mutex mu_;
    std::unordered_map<std::string, Entry> entries_;
    std::atomic<uint64_t> generation_{1};
};

}  // namespace idledger::api
