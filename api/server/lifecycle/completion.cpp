#include "lifecycle/completion.hpp"

#include <iostream>

#include "apps/apps.hpp"
#include "core/commands.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/notification.hpp"
#include "idledger/domain/user_decide.hpp"
#include "idledger/projections/documents.hpp"
#include "notifications/notify.hpp"
#include "tokens/api_tokens.hpp"
#include "user_grants/user_grants.hpp"
#include "users/user_commands.hpp"

namespace idledger::api {

namespace pj = projections;

namespace {

std::string worker_metadata(const workers::ResultMessage& r) {
    domain::EventMetadata m;
    m.actor_id = "system";
    m.user_agent = "idledger-lifecycle-worker";
    m.request_id = r.request_id;
    return m.encode();
}

/// The outcome of an admin notification's e-mail: recorded once, while it is still PENDING.
eventstore::Outcome apply_notification_result(eventstore::Transaction& tx,
                                              const workers::ResultMessage& r, bool& applied) {
    using eventstore::Outcome;
    const auto& kind = domain::kNotifications;
    auto id = tx.get(std::string(kind.family) + "_by_seq", eventstore::encode_u64(r.position));
    if (!id || !*id || **id != r.request_id || !r.email) return Outcome::Commit;
    auto doc = pj::load_document(tx, kind, **id);
    if (!doc || !*doc) return Outcome::Commit;
    auto event = domain::decide_notification_outcome((*doc)->state, r.email->delivered,
                                                     r.email->message_id, r.email->error);
    if (!event) return Outcome::Commit;
    auto done = pj::append_document_events(tx, kind, **id, *doc, {*event}, worker_metadata(r));
    if (!done) return Outcome::Abort;
    applied = true;
    return Outcome::Commit;
}

}  // namespace

void apply_result(App& app, const workers::ResultMessage& result,
                  std::function<void(bool applied)> done) {
    auto applied = std::make_shared<bool>(false);
    auto command = [&app, applied, r = result](eventstore::Transaction& tx) {
        using eventstore::Outcome;
        auto bytes = tx.get(pj::cf::kLifecyclePending, eventstore::encode_u64(r.position));
        if (!bytes) return Outcome::Abort;
        // Not a user's request: an admin notification, or one completed before or superseded.
        if (!*bytes) return apply_notification_result(tx, r, *applied);
        auto pending = pj::decode_pending(r.position, **bytes);
        if (!pending || pending->id != r.request_id) return Outcome::Commit;
        auto row = pj::load_user(tx, pending->user_id);
        if (!row || !*row) return Outcome::Commit;
        const std::string metadata = worker_metadata(r);

        domain::CompletionReport report;
        report.request_id = r.request_id;
        report.kind = pending->kind;
        report.password_changed = r.password_changed;
        if (r.email)
            report.email = domain::CompletionReport::Email{r.email->template_name,
                                                           r.email->delivered, r.email->message_id,
                                                           r.email->transport, r.email->error};
        if (!domain::is_outstanding((*row)->user, report.request_id, report.kind))
            return Outcome::Commit;
        // Every effect is decided here from the server's own state; the worker's result only
        // says "done". Deprovisioning revokes every live token of the user.
        if (pending->kind == domain::request_kind::kDeactivate) {
            auto revoked =
                tokens::revoke_all_of_user_in(tx, pending->user_id, metadata, "deprovisioned");
            if (!revoked) return Outcome::Abort;
            report.revoked_api_tokens += *revoked;
            // ... its OAuth grants, refresh tokens and sessions ...
            if (!user_grants::revoke_all_of_user_in(tx, pending->user_id, metadata,
                                                    "deprovisioned"))
                return Outcome::Abort;
            // ... and removes it from its apps (its group memberships stay).
            if (!apps::unassign_all_of_user_in(app, tx, pending->user_id, metadata))
                return Outcome::Abort;
        }
        auto events = domain::decide_completion((*row)->user, report);
        if (events.empty()) return Outcome::Abort;  // a result that completes nothing
        auto state =
            append_user_events(tx, pending->user_id, Subject::Existing, *row, events, metadata);
        if (!state) return Outcome::Abort;
        if (!notifications::notify_for_user_events(app, tx, pending->user_id, events, metadata))
            return Outcome::Abort;
        *applied = true;
        return Outcome::Commit;
    };
    app.store.submit(std::move(command), [&app, applied, done = std::move(done)](
                                             eventstore::Result<eventstore::CommitInfo> c) {
        if (!c) {
            std::cerr << "idledger: applying a lifecycle result failed: " << c.error().message
                      << "\n";
            return done(false);
        }
        const bool ok = *applied && !c->aborted;
        if (ok) after_commit(app, c->events);
        done(ok);
    });
}

}  // namespace idledger::api
