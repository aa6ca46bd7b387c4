#include "lifecycle/completion.hpp"

#include <iostream>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/user_decide.hpp"
#include "tokens/api_tokens.hpp"
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

}  // namespace

void apply_result(App& app, const workers::ResultMessage& result,
                  std::function<void(bool applied)> done) {
    auto applied = std::make_shared<bool>(false);
    auto command = [applied, r = result](eventstore::Transaction& tx) {
        using eventstore::Outcome;
        auto bytes = tx.get(pj::cf::kLifecyclePending, eventstore::encode_u64(r.position));
        if (!bytes || !*bytes) return Outcome::Commit;  // completed before, or superseded
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
            auto token_ids = pj::api_tokens_of(tx, pending->user_id);
            if (!token_ids) return Outcome::Abort;
            for (const auto& token_id : *token_ids) {
                auto revoked = tokens::append_token_revoked(tx, token_id, metadata,
                                                            pending->user_id, "deprovisioned");
                if (!revoked) return Outcome::Abort;
                report.revoked_api_tokens += *revoked ? 1 : 0;
            }
        }
        auto events = domain::decide_completion((*row)->user, report);
        if (events.empty()) return Outcome::Abort;  // a result that completes nothing
        auto state = append_user_events(tx, pending->user_id, false, *row, events, metadata);
        if (!state) return Outcome::Abort;
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
        if (ok) {
            for (const auto& e : c->events)
                if (changes_authorization(e.type) || e.stream.starts_with("apitoken-")) {
                    app.auth_cache.invalidate();
                    break;
                }
        }
        done(ok);
    });
}

}  // namespace idledger::api
