#pragma once
// The command runner of every kit resource: on the writer thread, load the document, decide
// (pure: domain), append with the loaded version as the expected version, fold the events into
// the read models in the same batch; the caller learns the outcome once the batch is durable.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/projections/documents.hpp"

namespace idledger::api {

/// Decides on the writer thread from the document's current state (nullopt: none).
using DocumentDecision = std::function<domain::Result<std::vector<domain::Event>>(
    const std::optional<projections::Document>& current, eventstore::Transaction& tx)>;

/// Whether the command creates its document, acts on one that must exist (404 otherwise), or
/// takes it either way (singletons that exist implicitly until first changed: ThreatInsight).
enum class Subject { New, Existing, Either };

struct DocumentCommandResult {
    std::optional<projections::Document> doc;  // the state after (nullopt: deleted)
    std::vector<eventstore::RecordedEvent> events;
};

/// Runs one command and blocks until it is durable or refused.
domain::Result<DocumentCommandResult> run_document_command(RequestContext& ctx,
                                                           const domain::ResourceKind& kind,
                                                           const std::string& id, Subject subject,
                                                           DocumentDecision decide);

/// The same inside a transaction the caller already holds (bootstrap, lifecycle completions).
domain::Result<std::optional<projections::Document>> run_document_command_in(
    eventstore::Transaction& tx, const domain::ResourceKind& kind, const std::string& id,
    Subject subject, const DocumentDecision& decide, const std::string& metadata);

/// Decides from the existing document and its link to `other` in `relation`: the link's data
/// (`{}` for relations that keep none), nullopt when not linked — read on the writer.
using LinkDecide = std::function<domain::Result<std::vector<domain::Event>>(
    const projections::Document& current, const std::optional<domain::Json>& link)>;
DocumentDecision link_decision(const domain::RelationKind& relation, std::string other,
                               LinkDecide decide);

/// Who holds a unique key of `kind`, for decide functions (writer side).
domain::UniqueLookup unique_lookup(eventstore::Transaction& tx, const domain::ResourceKind& kind);

/// The retryable failure a runner reports when the expected version no longer holds (or a new
/// document's id is taken): 503 E0000010 if it reaches a client.
domain::Error conflict_error();
bool is_conflict(const domain::Error& e);

/// Drops cached principals when a committed event changes who may act.
void after_commit(App& app, const std::vector<eventstore::RecordedEvent>& events);

}  // namespace idledger::api
