#include "users/user_commands.hpp"

#include <future>

#include "core/json_io.hpp"
#include "idledger/domain/data_key.hpp"
#include "idledger/domain/event_codec.hpp"
#include "notifications/notify.hpp"

namespace idledger::api {

namespace pj = projections;

bool changes_authorization(std::string_view event_type) {
    // Who may act depends on status, roles and existence: only events changing those count (the
    // many events that do not — profile, e-mail deliveries, requests — keep the cache warm).
    namespace ev = domain::user_event;
    static constexpr std::string_view kChanging[] = {
        ev::kActivated,   ev::kReactivated, ev::kDeactivated,   ev::kSuspended,
        ev::kUnsuspended, ev::kUnlocked,    ev::kPasswordReset, ev::kPasswordExpired,
        ev::kRoleGranted, ev::kRoleRevoked, ev::kDeleted,       ev::kConvertedToFederated};
    for (auto t : kChanging)
        if (t == event_type) return true;
    return false;
}

domain::Result<void> keeps_a_super_admin(eventstore::Transaction& tx,
                                         const std::optional<pj::UserRow>& row,
                                         const std::vector<domain::Event>& events) {
    if (!row || !pj::acting_super_admin(row->user)) return {};
    domain::User after = row->user;
    for (const auto& e : events) domain::evolve(after, e, tx.now_ms());
    if (pj::acting_super_admin(after)) return {};
    auto admins = pj::acting_super_admins(tx);
    if (!admins) return std::unexpected(store_failure(admins.error()));
    for (const auto& id : *admins)
        if (id != after.id) return {};
    return domain::fail(domain::ErrorCode::PermissionDenied, {},
                        {{"This change would leave the org without an active super "
                          "administrator: grant SUPER_ADMIN to another active user first"}});
}

eventstore::Result<std::optional<pj::UserRow>> append_user_events(
    eventstore::Transaction& tx, const std::string& user_id, Subject subject,
    const std::optional<pj::UserRow>& row, const std::vector<domain::Event>& events,
    const std::string& metadata) {
    const std::string stream = pj::user_stream(user_id);
    std::string key;
    const bool create = subject == Subject::New;
    if (create) {
        key = domain::new_data_key();
        tx.put(pj::cf::kUserKeys, user_id, key);
    } else {
        auto k = pj::data_key(tx, user_id);
        if (!k) return std::unexpected(k.error());
        key = *k;
    }
    std::vector<eventstore::EventData> data;
    data.reserve(events.size());
    for (const auto& e : events) {
        bool personal = e.type != domain::user_event::kDeleted && !key.empty();
        data.push_back({e.type,
                        personal ? domain::encode_payload_sealed(e.data, key, stream)
                                 : domain::encode_payload_plain(e.data),
                        metadata});
    }
    uint64_t expected = row ? row->user.version : eventstore::kNoStream;
    auto appended = tx.append(stream, expected, std::move(data));
    if (!appended) return std::unexpected(appended.error());
    std::optional<pj::UserRow> state = row;
    const auto& recs = tx.appended();
    pj::apply_user_events(tx, state, std::span(recs).subspan(recs.size() - events.size()), events);
    return state;
}

void run_user_command_async(RequestContext& ctx, const std::string& user_id, Subject subject,
                            UserDecision decide, std::optional<uint64_t> expected_version,
                            std::function<void(domain::Result<UserCommandResult>)> done) {
    struct Shared {
        std::optional<domain::Error> error;
        UserCommandResult result;
    };
    auto shared = std::make_shared<Shared>();
    App& app = ctx.app;
    const bool create = subject == Subject::New;
    auto command = [shared, &app, user_id, subject, create, decide = std::move(decide),
                    expected_version,
                    metadata = ctx.metadata().encode()](eventstore::Transaction& tx) {
        auto fail_with = [&](domain::Error e) {
            shared->error = std::move(e);
            return eventstore::Outcome::Abort;
        };
        auto row = pj::load_user(tx, user_id);
        if (!row) return fail_with(store_failure(row.error()));
        if (create && *row)
            return fail_with(domain::Error{domain::ErrorCode::InternalError, {}, {}});
        if (!create && !*row) return fail_with(domain::not_found(user_id, "User").error());
        if (expected_version && *row && (*row)->user.version != *expected_version)
            return fail_with(conflict_error());
        auto events = decide(*row, tx);
        if (!events) return fail_with(events.error());
        if (events->empty()) {
            shared->result.row = *row;
            return eventstore::Outcome::Commit;
        }
        if (auto kept = keeps_a_super_admin(tx, *row, *events); !kept)
            return fail_with(kept.error());
        auto state = append_user_events(tx, user_id, subject, *row, *events, metadata);
        if (!state) {
            if (state.error().code == eventstore::Errc::WrongExpectedVersion)
                return fail_with(conflict_error());
            return fail_with(store_failure(state.error()));
        }
        if (auto told = notifications::notify_for_user_events(app, tx, user_id, *events, metadata);
            !told)
            return fail_with(told.error());
        shared->result.row = std::move(*state);
        return eventstore::Outcome::Commit;
    };
    app.store.submit(std::move(command), [shared, &app, done = std::move(done)](
                                             eventstore::Result<eventstore::CommitInfo> committed) {
        if (!committed) return done(std::unexpected(store_failure(committed.error())));
        if (shared->error) return done(std::unexpected(*shared->error));
        shared->result.events = std::move(committed->events);
        for (const auto& e : shared->result.events)
            if (changes_authorization(e.type)) {
                app.auth_cache.invalidate();
                break;
            }
        done(std::move(shared->result));
    });
}

domain::Result<UserCommandResult> run_user_command(RequestContext& ctx, const std::string& user_id,
                                                   Subject subject, const UserDecision& decide,
                                                   std::optional<uint64_t> expected_version) {
    std::promise<domain::Result<UserCommandResult>> promise;
    auto fut = promise.get_future();
    run_user_command_async(
        ctx, user_id, subject, decide, expected_version,
        [&promise](domain::Result<UserCommandResult> r) { promise.set_value(std::move(r)); });
    return fut.get();
}

domain::Result<pj::UserRow> find_user_or_404(RequestContext& ctx, const std::string& id_or_login) {
    auto row = ctx.app.reader.find_user(id_or_login);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row) return domain::not_found(id_or_login, "User");
    return std::move(**row);
}

std::string resolve_user_ref(const RequestContext& ctx, const std::string& ref) {
    return ref == "me" ? ctx.principal.user_id : ref;
}

}  // namespace idledger::api
