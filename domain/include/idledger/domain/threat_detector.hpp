#pragma once
// ThreatInsight's detection: which client addresses are behind credential attacks, learned from
// failed password sign-ins. An address is flagged (for `flag_ms`) when, within `window_ms`:
//   * it failed `max_failures_per_address` sign-ins (velocity),
//   * it failed sign-ins for `max_usernames_per_address` different usernames (password spraying),
//   * it is one of `max_addresses_per_username` addresses failing on one username (a distributed
//     attack on an account): every address taking part is flagged — never the username, so an
//     attacker cannot lock a user out; an address that then signs in as that user is dropped
//     from that user's count.
// Memory is bounded: at most `max_tracked` addresses and usernames are remembered; past that the
// oldest are forgotten first. Thread-safe. The caller passes the time (tests move it).

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "idledger/domain/clock.hpp"

namespace idledger::domain {

struct ThreatSettings {
    int max_failures_per_address = 20;
    int max_usernames_per_address = 8;
    int max_addresses_per_username = 5;
    Millis window_ms = 10LL * 60 * 1000;
    Millis flag_ms = 60LL * 60 * 1000;
    size_t max_tracked = 100'000;
};

class ThreatDetector {
  public:
    explicit ThreatDetector(ThreatSettings s = {}) : s_(s) {}

    /// Why `address` is flagged at `now` (nullopt: it is not).
    std::optional<std::string> suspicion(const std::string& address, Millis now);

    /// Records a failed sign-in. Returns the reason when this failure flagged `address` (it was
    /// not flagged before).
    std::optional<std::string> failed(const std::string& address, const std::string& username,
                                      Millis now);

    /// Records a successful sign-in: `address` no longer counts against `username`.
    void succeeded(const std::string& address, const std::string& username);

    const ThreatSettings& settings() const { return s_; }

  private:
    struct Address {
        std::multimap<Millis, std::string> failures;  // time -> username, within the window
        Millis flagged_until = 0;
        std::string reason;
        Millis last_seen = 0;
    };
    struct Username {
        std::map<std::string, Millis> addresses;  // address -> its latest failure
        Millis last_seen = 0;
    };
    void prune(Address& a, Millis now) const;
    void prune(Username& u, Millis now) const;
    void flag(const std::string& address, const std::string& reason, Millis now);
    template <class Map>
    void bound(Map& m);

    ThreatSettings s_;
    std::mutex mu_;
    std::unordered_map<std::string, Address> addresses_;
    std::unordered_map<std::string, Username> usernames_;
};

}  // namespace idledger::domain
