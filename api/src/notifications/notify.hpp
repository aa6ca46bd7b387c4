#pragma once
// Admin notifications (domain/notification.hpp): who is told, decided on the writer in the
// batch that holds what happened. Recipients are the users holding an admin role (directly or
// through a group) who can act, are offered the type by one of their roles and are subscribed
// to it (domain/subscription.hpp); the subject of a user notification is never told of itself.

#include <string>
#include <string_view>
#include <vector>

#include "core/context.hpp"
#include "idledger/eventstore/event_store.hpp"

namespace idledger::api::notifications {

/// Makes one notification of `type` about `subject` for every subscribed administrator;
/// with an `occurrence`, none an earlier report of the same occurrence already made.
domain::Result<void> notify(App& app, eventstore::Transaction& tx, std::string_view type,
                            const std::string& subject, const std::string& metadata,
                            const std::string& detail = {}, const std::string& occurrence = {});

/// A client (API token) went over its rate limit for `family` in the window ending at
/// `reset_epoch_s`: RATELIMIT_NOTIFICATION, once per token, family and window. Does not wait.
void report_rate_limit(App& app, const std::string& token_id, std::string_view family,
                       int64_t reset_epoch_s);

/// The notifications `events` (just appended to `user_id`'s stream) call for.
domain::Result<void> notify_for_user_events(App& app, eventstore::Transaction& tx,
                                            const std::string& user_id,
                                            const std::vector<domain::Event>& events,
                                            const std::string& metadata);

/// The line an e-mail says about a notification's document. It names a user by id, never by
/// login: a mail file must not keep what the user's permanent deletion shreds.
std::string describe(App& app, const domain::Json& notification);

}  // namespace idledger::api::notifications
