#pragma once
// Running a user command: on the writer thread, load the user, decide, seal the events with the
// user's data key, append them with the loaded version as the expected version, and fold them
// into the read models — all in the group commit's batch. The caller blocks until durable.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/commands.hpp"
#include "core/context.hpp"
#include "idledger/domain/user.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api {

/// Decides on the writer thread. `row` is the user's current state (nullopt: no such user);
/// the Transaction allows index look-ups (login uniqueness).
using UserDecision = std::function<domain::Result<std::vector<domain::Event>>(
    const std::optional<projections::UserRow>& row, eventstore::Transaction& tx)>;

struct UserCommandResult {
    std::optional<projections::UserRow> row;  // state after the command (nullopt: deleted)
    std::vector<eventstore::RecordedEvent> events;
};

/// Subject::New: the user must not exist yet; a data key is made for it. Subject::Existing: the
/// user must exist (404 otherwise).
/// `expected_version`: when set, the command fails with a retryable conflict if the user
/// changed since the caller read it (callers that verified something expensive outside).
domain::Result<UserCommandResult> run_user_command(
    RequestContext& ctx, const std::string& user_id, Subject subject, const UserDecision& decide,
    std::optional<uint64_t> expected_version = std::nullopt);

/// On the writer thread: seals `events` with the user's data key (made now for Subject::New),
/// appends them at the expected version of `row`, and folds them into the read models.
/// Returns the state after the events.
eventstore::Result<std::optional<projections::UserRow>> append_user_events(
    eventstore::Transaction& tx, const std::string& user_id, Subject subject,
    const std::optional<projections::UserRow>& row, const std::vector<domain::Event>& events,
    const std::string& metadata);

/// On the writer: refuses (403 E0000006) `events` when they would take the last acting super
/// administrator's power away (suspension, deactivation, deletion), which would lock the org out.
domain::Result<void> keeps_a_super_admin(eventstore::Transaction& tx,
                                         const std::optional<projections::UserRow>& row,
                                         const std::vector<domain::Event>& events);

/// Whether a committed event can change who may act (status, roles, deletion): such events
/// invalidate the authentication cache.
bool changes_authorization(std::string_view event_type);

/// The same, without blocking: `done` runs on the writer thread once the command is durable or
/// refused (keep it short; hop to another thread for real work). `decide` must stay valid until
/// then (capture by value).
void run_user_command_async(RequestContext& ctx, const std::string& user_id, Subject subject,
                            UserDecision decide, std::optional<uint64_t> expected_version,
                            std::function<void(domain::Result<UserCommandResult>)> done);

/// Reads a user by id or login for a handler, mapping absence to 404 E0000007.
domain::Result<projections::UserRow> find_user_or_404(RequestContext& ctx,
                                                      const std::string& id_or_login);

/// `me` resolves to the caller.
std::string resolve_user_ref(const RequestContext& ctx, const std::string& ref);

}  // namespace idledger::api
