#pragma once
// The kit's read models for document resources (domain::ResourceKind): one row per live
// document in the kind's family, a creation-order index, and the kind's unique and group keys.
//
//   <family>            id -> seq(8) + version(8) + state JSON
//   <family>_by_seq     seq(8) -> id                     (listing in creation order)
//   <family>_keys       'u' index '\0' value -> id       (unique keys)
//                       'g' index '\0' value -> ids, '\n'-separated (group keys)
//
// and, for each of the kind's relations (relations.cpp), in the relation's family:
//
//   'f' left '\0' seq(8) -> right      a document's links, in the order made
//   'F' left '\0' right  -> seq(8) [+ data JSON]   is left linked to right? (and its data)
//   'b' right '\0' seq(8) -> left      the other direction
//   'B' right '\0' left  -> seq(8)
//   'n' left             -> count(8)
//   'o' right            -> left       (relations with one_left)
//
// seq is the position of the event that made the link. A deleted document's links stay behind
// (readers skip documents that no longer exist): removing a million links is not one batch.

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
/// Whether `left` is linked to `right` in `relation`.
eventstore::Result<bool> related(eventstore::Transaction& tx, const domain::RelationKind& relation,
                                 std::string_view left, std::string_view right);
/// The link's data (relations that keep it; `{}` for others), or nullopt when not linked.
eventstore::Result<std::optional<domain::Json>> link_data(eventstore::Transaction& tx,
                                                          const domain::RelationKind& relation,
                                                          std::string_view left,
                                                          std::string_view right);
/// The one left `right` is linked to (relations with `one_left`), if any.
eventstore::Result<std::optional<std::string>> left_of(eventstore::Transaction& tx,
                                                       const domain::RelationKind& relation,
                                                       std::string_view right);
/// Folds one event of `relation` (recorded as `rec`) into its read model; `document_id` is the
/// left side unless the relation names its left in a field.
void apply_relation_event(eventstore::Transaction& tx, const domain::RelationKind& relation,
                          std::string_view document_id, const domain::Event& e,
                          const eventstore::RecordedEvent& rec);

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
    /// The ids grouped under (index, value).
    eventstore::Result<std::vector<std::string>> grouped(const domain::ResourceKind& kind,
                                                         std::string_view index,
                                                         std::string_view value) const;
    eventstore::Result<bool> related(const domain::RelationKind& relation, std::string_view left,
                                     std::string_view right) const;
    /// The link's data (`{}` when the relation keeps none), or nullopt when not linked.
    eventstore::Result<std::optional<domain::Json>> link_data(const domain::RelationKind& relation,
                                                              std::string_view left,
                                                              std::string_view right) const;
    /// The one left `right` is linked to (relations with `one_left`), if any.
    eventstore::Result<std::optional<std::string>> left_of(const domain::RelationKind& relation,
                                                           std::string_view right) const;
    /// How many links `left` has.
    eventstore::Result<uint64_t> relation_count(const domain::RelationKind& relation,
                                                std::string_view left) const;
    /// The ids `id` is linked to — as the left side (`forward`) or the right — in the order the
    /// links were made, from seq > after_seq, until `visit` returns false.
    eventstore::Result<void> related_ids(
        const domain::RelationKind& relation, bool forward, std::string_view id, uint64_t after_seq,
        const std::function<bool(uint64_t seq, std::string_view other)>& visit) const;
    /// Documents in creation order with seq > after_seq, until `visit` returns false.
    eventstore::Result<void> scan(const domain::ResourceKind& kind, uint64_t after_seq,
                                  const std::function<bool(const Document&)>& visit) const;

  private:
    eventstore::EventStore& store_;
};

}  // namespace idledger::projections
