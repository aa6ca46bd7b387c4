#pragma once
// Okta System Log events (LogEvent) from stored events. The mapping from our event types to Okta's
// event types is one table (log_event.cpp); resources added later add their rows there.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json.hpp"

namespace idledger::domain {

struct LogMapping {
    std::string_view event_type;       // ours, e.g. "UserSuspended"
    std::string_view okta_event_type;  // "user.lifecycle.suspend"
    std::string_view display_message;  // "Suspend Okta user"
    std::string_view target_type;      // "User", "Token", ...
};

/// actor.id of an event: the acting user's id, "system" or "anonymous".
std::string log_actor_id(const EventMetadata& m);

/// The row for one of our event types; nullptr for events that are not audit events.
const LogMapping* log_mapping(std::string_view event_type);

/// Who acted or was acted on, as the log shows it.
struct LogSubject {
    std::string id;
    std::string type;  // "User", "SystemPrincipal", "Token"
    std::string alternate_id;
    std::string display_name;
};

struct LogEventInput {
    uint64_t position = 0;
    Millis published = 0;
    const LogMapping* mapping = nullptr;
    EventMetadata metadata;
    LogSubject actor;
    std::optional<LogSubject> target;
    std::optional<Json> change_from;  // changeDetails, secrets already removed
    std::optional<Json> change_to;
    std::string outcome_result = "SUCCESS";  // FAILURE, DENY for refused requests
    std::string outcome_reason;
    std::optional<int64_t> refused_earlier;  // aggregated refusals
};

/// The LogEvent object (okta-api-notes §10). Worker completions (no request) are transaction
/// type JOB; API requests are WEB with the request's X-Okta-Request-Id as transaction id.
Json to_log_event(const LogEventInput& in);

/// A stable UUID for the event at `position` (the same on every read and every replay).
std::string log_uuid(uint64_t position);

}  // namespace idledger::domain
