#pragma once
// Admin notifications that go out by e-mail (okta-api-notes §5): one kit document per recipient
// per occurrence, made in the same batch as what it reports (a user deprovisioned, a user locked
// out, a client over its rate limit), so it exists exactly once. While PENDING it is in the
// outbox the relay publishes from (its creating event's position is its outbox position); a
// worker sends the e-mail (Message-ID: the document's id, so sending twice writes the same
// message) and the server records the outcome once.

#include <optional>
#include <string>
#include <string_view>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace notification_event {
inline constexpr std::string_view kRequested = "NotificationRequested";
inline constexpr std::string_view kDelivered = "NotificationDelivered";
inline constexpr std::string_view kFailed = "NotificationFailed";
}  // namespace notification_event

/// Group key ("status", "PENDING") while not yet sent; unique key ("occurrence",
/// occurrence/recipient) for occurrences named by the caller (a rate-limit window), so a
/// report made again (after a restart) notifies nobody twice.
extern const ResourceKind kNotifications;

/// The notification type a user event reports, if any: a completed deactivation is
/// USER_DEPROVISION, a change into LOCKED_OUT is USER_LOCKED_OUT.
std::optional<std::string_view> notification_for(const Event& user_event);

/// The creating event: `recipient` (a user id) is told of `type` about `subject` (a user id, or
/// a token id for RATELIMIT_NOTIFICATION); `detail` is non-personal context (a rate-limit
/// family). No login or address is kept: the e-mail is composed from the users' state.
Event notification_request(const std::string& id, std::string_view type,
                           const std::string& recipient, const std::string& subject,
                           const std::string& detail = {}, const std::string& occurrence = {});

/// The outcome of sending it: no event unless it is still PENDING.
std::optional<Event> decide_notification_outcome(const Json& state, bool delivered,
                                                 const std::string& message_id,
                                                 const std::string& error);

}  // namespace idledger::domain
