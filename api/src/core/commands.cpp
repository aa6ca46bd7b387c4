#include "core/commands.hpp"

#include <future>

#include "core/json_io.hpp"
#include "idledger/domain/event_codec.hpp"
#include "users/user_commands.hpp"

namespace idledger::api {

namespace pj = projections;

domain::Error conflict_error() {
    return domain::Error{domain::ErrorCode::Unavailable, "conflict", {}};
}
bool is_conflict(const domain::Error& e) {
    return e.code == domain::ErrorCode::Unavailable && e.detail == "conflict";
}

domain::UniqueLookup unique_lookup(eventstore::Transaction& tx, const domain::ResourceKind& kind) {
    return
        [&tx, &kind](std::string_view index, std::string_view value) -> std::optional<std::string> {
            auto owner = pj::unique_owner(tx, kind, index, value);
            return owner ? *owner : std::nullopt;
        };
}

DocumentDecision link_decision(const domain::RelationKind& relation, std::string other,
                               LinkDecide decide) {
    return [&relation, other = std::move(other), decide = std::move(decide)](
               const std::optional<pj::Document>& current,
               eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
        if (!current) return std::vector<domain::Event>{};  // Subject::Either: gone meanwhile
        auto link = pj::link_data(tx, relation, current->id, other);
        if (!link) return std::unexpected(store_failure(link.error()));
        return decide(*current, *link);
    };
}

domain::Result<std::optional<pj::Document>> run_document_command_in(
    eventstore::Transaction& tx, const domain::ResourceKind& kind, const std::string& id,
    Subject subject, const DocumentDecision& decide, const std::string& metadata) {
    auto current = pj::load_document(tx, kind, id);
    if (!current) return std::unexpected(store_failure(current.error()));
    if (subject == Subject::Existing && !*current) return domain::not_found(id, kind.name);
    if (subject == Subject::New && *current) return std::unexpected(conflict_error());
    auto events = decide(*current, tx);
    if (!events) return std::unexpected(events.error());
    auto after = pj::append_document_events(tx, kind, id, *current, *events, metadata);
    if (!after) {
        if (after.error().code == eventstore::Errc::WrongExpectedVersion)
            return std::unexpected(conflict_error());
        return std::unexpected(store_failure(after.error()));
    }
    return std::move(*after);
}

domain::Result<DocumentCommandResult> run_document_command(RequestContext& ctx,
                                                           const domain::ResourceKind& kind,
                                                           const std::string& id, Subject subject,
                                                           DocumentDecision decide) {
    struct Shared {
        std::optional<domain::Error> error;
        DocumentCommandResult result;
    };
    auto shared = std::make_shared<Shared>();
    auto command = [shared, &kind, id, subject, decide = std::move(decide),
                    metadata = ctx.metadata().encode()](eventstore::Transaction& tx) {
        auto doc = run_document_command_in(tx, kind, id, subject, decide, metadata);
        if (!doc) {
            shared->error = doc.error();
            return eventstore::Outcome::Abort;
        }
        shared->result.doc = std::move(*doc);
        return eventstore::Outcome::Commit;
    };
    std::promise<domain::Result<DocumentCommandResult>> promise;
    auto fut = promise.get_future();
    App& app = ctx.app;
    app.store.submit(std::move(command),
                     [shared, &app, &promise](eventstore::Result<eventstore::CommitInfo> c) {
                         if (!c)
                             return promise.set_value(std::unexpected(store_failure(c.error())));
                         if (shared->error)
                             return promise.set_value(std::unexpected(*shared->error));
                         shared->result.events = std::move(c->events);
                         after_commit(app, shared->result.events);
                         promise.set_value(std::move(shared->result));
                     });
    return fut.get();
}

namespace {

/// Whether a committed event of `kind` changes what everybody may do.
bool authorizes_everyone(const domain::ResourceKind* kind, std::string_view type) {
    if (!kind) return changes_authorization(type);
    if (kind->authorizes) return true;
    for (auto t : kind->authorizing_events)
        if (t == type) return true;
    return false;
}

/// The user a committed relation event of `kind` authorizes differently, if any.
std::optional<std::string> authorizes_user(const domain::ResourceKind* kind,
                                           const eventstore::RecordedEvent& e) {
    if (!kind) return std::nullopt;
    for (const domain::RelationKind* r : kind->relations)
        if (r->authorizes_right && (e.type == r->added.name || e.type == r->removed.name)) {
            auto payload = domain::decode_payload(e.payload, {}, e.stream);
            return payload.data.string_at(r->other_field);
        }
    return std::nullopt;
}

}  // namespace

void after_commit(App& app, const std::vector<eventstore::RecordedEvent>& events) {
    for (const auto& e : events) {
        const domain::ResourceKind* kind = domain::resource_kind_for_stream(e.stream);
        if (authorizes_everyone(kind, e.type)) {
            app.auth_cache.invalidate();
            return;
        }
        if (auto user = authorizes_user(kind, e)) app.auth_cache.invalidate_user(*user);
    }
}

}  // namespace idledger::api
