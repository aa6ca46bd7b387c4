#include "idledger/domain/threat_detector.hpp"

#include <algorithm>
#include <vector>

namespace idledger::domain {

void ThreatDetector::prune(Address& a, Millis now) const {
    a.failures.erase(a.failures.begin(), a.failures.lower_bound(now - s_.window_ms + 1));
}

void ThreatDetector::prune(Username& u, Millis now) const {
    std::erase_if(u.addresses, [&](const auto& kv) { return kv.second <= now - s_.window_ms; });
}

template <class Map>
void ThreatDetector::bound(Map& m) {
    if (m.size() <= s_.max_tracked) return;
    // Forget the least recently seen tenth: the flood's oldest entries go first.
    std::vector<std::pair<Millis, std::string>> seen;
    seen.reserve(m.size());
    for (const auto& [k, v] : m) seen.emplace_back(v.last_seen, k);
    const size_t drop = m.size() - s_.max_tracked + s_.max_tracked / 10;
    std::nth_element(seen.begin(), seen.begin() + long(drop - 1), seen.end());
    for (size_t i = 0; i < drop; ++i) m.erase(seen[i].second);
}

void ThreatDetector::flag(const std::string& address, const std::string& reason, Millis now) {
    Address& a = addresses_[address];
    a.flagged_until = now + s_.flag_ms;
    a.reason = reason;
    a.last_seen = now;
}

std::optional<std::string> ThreatDetector::suspicion(const std::string& address, Millis now) {
    std::lock_guard lock(mu_);
    auto it = addresses_.find(address);
    if (it == addresses_.end() || it->second.flagged_until <= now) return std::nullopt;
    return it->second.reason;
}

std::optional<std::string> ThreatDetector::failed(const std::string& address,
                                                  const std::string& username, Millis now) {
    std::lock_guard lock(mu_);
    Address& a = addresses_[address];
    const bool was_flagged = a.flagged_until > now;
    a.last_seen = now;
    prune(a, now);
    a.failures.emplace(now, username);

    Username& u = usernames_[username];
    u.last_seen = now;
    prune(u, now);
    u.addresses[address] = now;

    std::optional<std::string> reason;
    std::set<std::string> names;
    for (const auto& [t, name] : a.failures) names.insert(name);
    if (int(names.size()) >= s_.max_usernames_per_address) {
        reason = "Password spraying: sign-ins failed for many usernames from one address";
    } else if (int(a.failures.size()) >= s_.max_failures_per_address) {
        reason = "Login failures at a high rate from one address";
    }
    if (reason) flag(address, *reason, now);
    if (int(u.addresses.size()) >= s_.max_addresses_per_username) {
        const std::string distributed =
            "Distributed attack: sign-ins for one username failed from many addresses";
        for (const auto& [other, t] : u.addresses)
            if (other != address) flag(other, distributed, now);
        if (!reason) {
            reason = distributed;
            flag(address, distributed, now);
        }
    }
    bound(addresses_);
    bound(usernames_);
    if (was_flagged) return std::nullopt;
    return reason;
}

void ThreatDetector::succeeded(const std::string& address, const std::string& username) {
    std::lock_guard lock(mu_);
    auto it = usernames_.find(username);
    if (it == usernames_.end()) return;
    it->second.addresses.erase(address);
    if (it->second.addresses.empty()) usernames_.erase(it);
}

}  // namespace idledger::domain
