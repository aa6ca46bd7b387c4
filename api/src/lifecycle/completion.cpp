#include "lifecycle/completion.hpp"

#include <iostream>

#include "idledger/domain/api_token.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/user_decide.hpp"
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

/// Revokes one of the user's API tokens in the current batch; false when there is none to revoke.
eventstore::Result<bool> revoke_token(eventstore::Transaction& tx, const std::string& token_id,
                                      const std::string& user_id, const std::string& metadata) {
    auto bytes = tx.get(pj::cf::kApiTokens, token_id);
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) return false;
    auto json = domain::parse_json(**bytes);
    auto token = json ? domain::ApiToken::from_state_json(*json) : std::nullopt;
    if (!token || token->user_id != user_id) return false;
    const std::string stream = pj::token_stream(token_id);
    auto version = tx.stream_version(stream);
    if (!version) return std::unexpected(version.error());
    domain::Event e = domain::token_revoked_event();
    e.data.set("reason", "deprovisioned");
    auto appended =
        tx.append(stream, *version, {{e.type, domain::encode_payload_plain(e.data), metadata}});
    if (!appended) return std::unexpected(appended.error());
    pj::apply_token_event(tx, tx.appended().back(), e);
    return true;
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
        if (domain::decide_completion((*row)->user, report).empty()) return Outcome::Commit;
        for (const auto& token_id : r.revoked_api_token_ids) {
            auto revoked = revoke_token(tx, token_id, pending->user_id, metadata);
            if (!revoked) return Outcome::Abort;
            report.revoked_api_tokens += *revoked ? 1 : 0;
        }
        auto events = domain::decide_completion((*row)->user, report);
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
