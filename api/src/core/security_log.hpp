#pragma once
// Refused requests that matter to security (authentication failures, authorization refusals,
// rate-limit violations) become events in the log — aggregated, so that a flood of bad requests
// cannot flood the log: at most one event per kind and client address per minute, which carries
// how many more were refused in that client's previous minute, and at most kMaxEventsPerWindow
// events per minute overall (an unauthenticated flood from many addresses costs a bounded amount
// of disk); refusals over that budget are counted and the next minute's first event carries the
// count. Never the token or any secret.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "idledger/domain/clock.hpp"
#include "idledger/eventstore/event_store.hpp"

namespace idledger::api {

/// ThreatAudited / ThreatBlocked: ThreatInsight found a sign-in from a suspicious address (with
/// action audit it went on; with block it was refused).
enum class Refusal { Authentication, Authorization, RateLimit, ThreatAudited, ThreatBlocked };

/// Security events appended per minute at the most, whatever the number of client addresses.
inline constexpr uint32_t kMaxEventsPerWindow = 100;

class SecurityLog {
  public:
    SecurityLog(eventstore::EventStore& store, domain::Clock& clock)
        : store_(store), clock_(clock) {}

    /// Thread-safe; never blocks on the store (the event is appended in the background).
    void record(Refusal kind, const std::string& reason, int http_status,
                const std::string& error_code, const std::string& ip, const std::string& user_agent,
                const std::string& request_id, const std::string& actor_id,
                const std::string& token_id);

  private:
    struct Window {
        domain::Millis start = 0;
        uint64_t refused = 0;  // beyond the one logged
    };
    eventstore::EventStore& store_;
    domain::Clock& clock_;
    std::mutex mu_;
    std::unordered_map<std::string, Window> windows_;
    domain::Millis budget_start_ = 0;   // the overall window
    uint32_t budget_used_ = 0;          // events appended in it
    uint64_t suppressed_ = 0;           // refusals it could not log
    uint64_t suppressed_previous_ = 0;  // carried by the next event appended
};

}  // namespace idledger::api
