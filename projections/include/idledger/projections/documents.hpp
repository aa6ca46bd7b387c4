#pragma once
// The kit's read models for document resources (domain::ResourceKind): one row per live
// document in the kind's family, a creation-order index, and the kind's unique and group keys.
//
//   <family>            id -> seq(8) + version(8) + state JSON
//   <family>_by_seq     seq(8) -> id                     (listing in creation order)
//   <family>_keys       'u' index '\0' value -> id       (unique keys)
//                       'g' index '\0' value -> ids, '\n'-separated (group keys)

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "idledger/domain/json.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::projections {

struct Document {
    std::string id;
    uint64_t seq = 0;      // position of the creating event: the listing order
    uint64_t version = 0;  // the stream's version (its ETag)
    domain::Json state;
};

/// The projection of `kind` (for the registry).
Projection document_projection(const domain::ResourceKind& kind);

// ---- writer side ---------------------------------------------------------------------------

eventstore::Result<std::optional<Document>> load_document(eventstore::Transaction& tx,
                                                          const domain::ResourceKind& kind,
                                                          std::string_view id);
/// The id holding unique key (index, value), if any.
eventstore::Result<std::optional<std::string>> unique_owner(eventstore::Transaction& tx,
                                                            const domain::ResourceKind& kind,
                                                            std::string_view index,
                                                            std::string_view value);
/// The ids grouped under (index, value).
eventstore::Result<std::vector<std::string>> group_members(eventstore::Transaction& tx,
                                                           const domain::ResourceKind& kind,
                                                           std::string_view index,
                                                           std::string_view value);
/// Folds `events` (just appended as `recs`) into the read models; `doc` is updated in place.
void apply_document_events(eventstore::Transaction& tx, const domain::ResourceKind& kind,
                           std::optional<Document>& doc,
                           std::span<const eventstore::RecordedEvent> recs,
                           std::span<const domain::Event> events);
/// Appends `events` to the document's stream at the version of `current` (none: a new stream)
/// and folds them. Payloads are plain JSON (documents carry no personal data).
eventstore::Result<std::optional<Document>> append_document_events(
    eventstore::Transaction& tx, const domain::ResourceKind& kind, std::string_view id,
    const std::optional<Document>& current, const std::vector<domain::Event>& events,
    const std::string& metadata);

// ---- reader side ---------------------------------------------------------------------------

class DocumentReader {
  public:
    explicit DocumentReader(eventstore::EventStore& store) : store_(store) {}
    eventstore::Result<std::optional<Document>> get(const domain::ResourceKind& kind,
                                                    std::string_view id) const;
    eventstore::Result<std::optional<Document>> by_unique(const domain::ResourceKind& kind,
                                                          std::string_view index,
                                                          std::string_view value) const;
    /// Documents in creation order with seq > after_seq, until `visit` returns false.
    eventstore::Result<void> scan(const domain::ResourceKind& kind, uint64_t after_seq,
                                  const std::function<bool(const Document&)>& visit) const;

  private:
    eventstore::EventStore& store_;
};

}  // namespace idledger::projections
