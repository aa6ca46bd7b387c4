#pragma once
// Remembers who a token is and what it may do, so a request does not hash the token and read
// rows again. A committed event that can change who may act drops cached principals: every one
// (a token revoked, a user's status or roles, a custom role, a group's roles) through the
// generation, or one user's (a membership of a group) through that user's stamp.

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
    std::vector<std::string> roles;   // role types held, directly or through groups
    std::vector<std::string> grants;  // the permissions they give
};

class AuthCache {
  public:
    /// What a lookup started at: pass it to `put`.
    struct Stamp {
        uint64_t generation;
        uint64_t user_changes;
    };

    /// Thread-safe.
    std::optional<CachedPrincipal> find(const std::string& token) const {
        std::lock_guard lock(mu_);
        auto it = entries_.find(token);
        if (it == entries_.end() || it->second.stamp.generation != generation_ ||
            it->second.stamp.user_changes < user_stamp(it->second.principal.user_id))
            return std::nullopt;
        return it->second.principal;
    }
    Stamp stamp() const {
        std::lock_guard lock(mu_);
        return {generation_, user_changes_};
    }
    /// `s`: the stamp read before the principal was looked up; a principal something changed
    /// since is not kept.
    void put(const std::string& token, CachedPrincipal p, Stamp s) {
        std::lock_guard lock(mu_);
        if (s.generation != generation_ || s.user_changes < user_stamp(p.user_id)) return;
        if (entries_.size() > 100'000 || user_stamps_.size() > 100'000) {
            clear();
            s = {generation_, user_changes_};
        }
        entries_[token] = Entry{std::move(p), s};
    }
    void invalidate() {
        std::lock_guard lock(mu_);
        ++generation_;
    }
    void invalidate_user(const std::string& user_id) {
        std::lock_guard lock(mu_);
        user_stamps_[user_id] = ++user_changes_;
    }

  private:
    struct Entry {
        CachedPrincipal principal;
        Stamp stamp;
    };
    uint64_t user_stamp(const std::string& user_id) const {
        if (user_stamps_.empty()) return 0;  // the common case: no membership changed yet
        auto it = user_stamps_.find(user_id);
        return it == user_stamps_.end() ? 0 : it->second;
    }
    void clear() {
        entries_.clear();
        user_stamps_.clear();
        ++generation_;
    }
    mutable std::mutex mu_;
    std::unordered_map<std::string, Entry> entries_;
    std::unordered_map<std::string, uint64_t> user_stamps_;
    uint64_t generation_ = 1;
    uint64_t user_changes_ = 0;
};

}  // namespace idledger::api
