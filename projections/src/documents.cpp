// The kit's document read models (documents.hpp).

#include "idledger/projections/documents.hpp"

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json_parse.hpp"

namespace idledger::projections {

using eventstore::decode_u64;
using eventstore::encode_u64;
using eventstore::Result;
using eventstore::Transaction;

namespace {

std::string by_seq_family(const domain::ResourceKind& k) {
    return std::string(k.family) + "_by_seq";
}
std::string keys_family(const domain::ResourceKind& k) { return std::string(k.family) + "_keys"; }

std::string index_key(char type, std::string_view index, std::string_view value) {
    std::string k(1, type);
    k += index;
    k.push_back('\0');
    k += value;
    return k;
}

std::string encode_row(const Document& d) {
    std::string out = encode_u64(d.seq);
    out += encode_u64(d.version);
    d.state.dump_to(out);
    return out;
}

std::optional<Document> decode_row(std::string_view id, std::string_view bytes) {
    if (bytes.size() < 16) return std::nullopt;
    auto j = domain::parse_json(bytes.substr(16));
    if (!j) return std::nullopt;
    return Document{std::string(id), decode_u64(bytes.substr(0, 8)), decode_u64(bytes.substr(8, 8)),
                    std::move(*j)};
}

/// A group key holds one entry per member: 'g' index \0 value \0, the member's creation position
/// (so members list in the order they were created), then its id. Joining or leaving writes one
/// small key, however large the group.
std::string group_prefix(std::string_view index, std::string_view value) {
    std::string k = index_key('g', index, value);
    k.push_back('\0');
    return k;
}

std::string member_key(const domain::IndexKey& g, uint64_t seq, const std::string& id) {
    return group_prefix(g.first, g.second) + encode_u64(seq) + id;
}

/// The members of a group, in creation order, through `scan` (a writer transaction's or the
/// store's prefix scan of the keys family).
template <typename Scan>
Result<std::vector<std::string>> members(std::string_view index, std::string_view value,
                                         const Scan& scan) {
    const std::string prefix = group_prefix(index, value);
    std::vector<std::string> ids;
    auto r = scan(prefix, [&](std::string_view k, std::string_view) {
        if (k.size() >= prefix.size() + 8) ids.emplace_back(k.substr(prefix.size() + 8));
        return true;
    });
    if (!r) return std::unexpected(r.error());
    return ids;
}

/// Moves the document's keys from `before` (created at `old_seq`) to `after` (created at
/// `new_seq`); either may be absent.
void update_keys(Transaction& tx, const domain::ResourceKind& kind, const std::string& id,
                 const std::optional<domain::Json>& before, uint64_t old_seq,
                 const std::optional<domain::Json>& after, uint64_t new_seq) {
    const std::string family = keys_family(kind);
    auto keys = [](auto fn, const std::optional<domain::Json>& s) {
        return fn && s ? fn(*s) : std::vector<domain::IndexKey>{};
    };
    auto old_unique = keys(kind.unique_keys, before), new_unique = keys(kind.unique_keys, after);
    for (const auto& [index, value] : old_unique)
        if (std::find(new_unique.begin(), new_unique.end(), domain::IndexKey{index, value}) ==
            new_unique.end()) {
            // Only while it still names this document (another may hold it since).
            const std::string k = index_key('u', index, value);
            auto owner = tx.get(family, k);
            if (owner && *owner && **owner == id) tx.del(family, k);
        }
    for (const auto& [index, value] : new_unique)
        if (!value.empty()) tx.put(family, index_key('u', index, value), id);
    auto old_group = keys(kind.group_keys, before), new_group = keys(kind.group_keys, after);
    const bool same_seq = old_seq == new_seq;
    for (const auto& g : old_group)
        if (!same_seq || std::find(new_group.begin(), new_group.end(), g) == new_group.end())
            tx.del(family, member_key(g, old_seq, id));
    for (const auto& g : new_group)
        if (!same_seq || std::find(old_group.begin(), old_group.end(), g) == old_group.end())
            tx.put(family, member_key(g, new_seq, id), "");
}

}  // namespace

Result<std::optional<Document>> load_document(Transaction& tx, const domain::ResourceKind& kind,
                                              std::string_view id) {
    auto v = tx.get(kind.family, id);
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<Document>{};
    auto d = decode_row(id, **v);
    if (!d)
        return std::unexpected(eventstore::Error{eventstore::Errc::Corruption,
                                                 "bad " + std::string(kind.name) + " row"});
    return std::optional<Document>(std::move(*d));
}

Result<std::optional<std::string>> unique_owner(Transaction& tx, const domain::ResourceKind& kind,
                                                std::string_view index, std::string_view value) {
    return tx.get(keys_family(kind), index_key('u', index, value));
}

Result<std::vector<std::string>> group_members(Transaction& tx, const domain::ResourceKind& kind,
                                               std::string_view index, std::string_view value) {
    return members(index, value, [&](std::string_view prefix, const auto& visit) {
        return tx.scan(keys_family(kind), prefix, visit);
    });
}

void apply_document_events(Transaction& tx, const domain::ResourceKind& kind,
                           std::optional<Document>& doc,
                           std::span<const eventstore::RecordedEvent> recs,
                           std::span<const domain::Event> events) {
    if (recs.empty()) return;
    const std::string id = recs.front().stream.substr(kind.stream_prefix.size());
    const bool existed = doc.has_value();
    const uint64_t old_seq = existed ? doc->seq : 0;
    std::optional<domain::Json> before = existed ? std::optional(doc->state) : std::nullopt;
    std::optional<domain::Json> state = before;
    uint64_t seq = old_seq;
    for (size_t i = 0; i < events.size(); ++i) {
        const bool was = state.has_value();
        kind.evolve(state, events[i], recs[i].timestamp_ms);
        if (!was && state) seq = recs[i].position;
    }
    for (size_t i = 0; i < events.size(); ++i)
        for (const domain::RelationKind* r : kind.relations)
            if (events[i].type == r->added.name || events[i].type == r->removed.name)
                apply_relation_event(tx, *r, id, events[i], recs[i]);
    update_keys(tx, kind, id, before, old_seq, state, seq);
    if (!state) {
        if (existed) {
            tx.del(by_seq_family(kind), encode_u64(old_seq));
            tx.del(kind.family, id);
        }
        doc.reset();
        return;
    }
    if (existed && seq != old_seq) tx.del(by_seq_family(kind), encode_u64(old_seq));
    if (!existed || seq != old_seq) tx.put(by_seq_family(kind), encode_u64(seq), id);
    doc = Document{id, seq, recs.back().version, std::move(*state)};
    tx.put(kind.family, id, encode_row(*doc));
}

Result<std::optional<Document>> append_document_events(Transaction& tx,
                                                       const domain::ResourceKind& kind,
                                                       std::string_view id,
                                                       const std::optional<Document>& current,
                                                       const std::vector<domain::Event>& events,
                                                       const std::string& metadata) {
    if (events.empty()) return current;
    std::vector<eventstore::EventData> data;
    data.reserve(events.size());
    for (const auto& e : events)
        data.push_back({e.type, domain::encode_payload_plain(e.data), metadata});
    const std::string stream = kind.stream(id);
    uint64_t expected = current ? current->version : eventstore::kNoStream;
    if (!current) {
        // A deleted document's stream lives on: a new one with its id continues it.
        auto v = tx.stream_version(stream);
        if (!v) return std::unexpected(v.error());
        if (*v != 0) expected = *v;
    }
    auto appended = tx.append(stream, expected, std::move(data));
    if (!appended) return std::unexpected(appended.error());
    std::optional<Document> doc = current;
    const auto& recs = tx.appended();
    apply_document_events(tx, kind, doc, std::span(recs).subspan(recs.size() - events.size()),
                          events);
    return doc;
}

namespace {

Result<void> replay_documents(const domain::ResourceKind& kind, Transaction& tx,
                              std::vector<eventstore::RecordedEvent>& recs) {
    for (const auto& rec : recs) {
        auto payload = domain::decode_payload(rec.payload, {}, rec.stream);
        if (payload.state != domain::PayloadState::Plain)
            return std::unexpected(
                eventstore::Error{eventstore::Errc::Corruption,
                                  "undecodable event at " + std::to_string(rec.position)});
        auto doc = load_document(tx, kind, rec.stream.substr(kind.stream_prefix.size()));
        if (!doc) return std::unexpected(doc.error());
        domain::Event e{rec.type, std::move(payload.data)};
        apply_document_events(tx, kind, *doc, std::span(&rec, 1), std::span(&e, 1));
    }
    return {};
}

}  // namespace

Result<std::optional<Document>> DocumentReader::get(const domain::ResourceKind& kind,
                                                    std::string_view id) const {
    auto v = store_.get(kind.family, id);
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<Document>{};
    return decode_row(id, **v);
}

Result<std::optional<Document>> DocumentReader::by_unique(const domain::ResourceKind& kind,
                                                          std::string_view index,
                                                          std::string_view value) const {
    auto id = store_.get(keys_family(kind), index_key('u', index, value));
    if (!id) return std::unexpected(id.error());
    if (!*id) return std::optional<Document>{};
    return get(kind, **id);
}

Result<std::vector<std::string>> DocumentReader::grouped(const domain::ResourceKind& kind,
                                                         std::string_view index,
                                                         std::string_view value) const {
    return members(index, value, [&](std::string_view prefix, const auto& visit) {
        return store_.scan(keys_family(kind), prefix, prefix, visit);
    });
}

Result<void> DocumentReader::scan(const domain::ResourceKind& kind, uint64_t after_seq,
                                  const std::function<bool(const Document&)>& visit) const {
    std::optional<eventstore::Error> failure;
    auto r = store_.scan(by_seq_family(kind), "", encode_u64(after_seq + 1),
                         [&](std::string_view, std::string_view id) {
                             auto d = get(kind, id);
                             if (!d) {
                                 failure = d.error();
                                 return false;
                             }
                             return !*d || visit(**d);
                         });
    if (failure) return std::unexpected(*failure);
    return r;
}

Projection document_projection(const domain::ResourceKind& kind) {
    Projection p;
    p.name = kind.family;
    p.stream_prefix = kind.stream_prefix;
    p.schema_version = kind.schema_version;
    p.families = {std::string(kind.family), by_seq_family(kind), keys_family(kind)};
    for (const domain::RelationKind* r : kind.relations) p.families.emplace_back(r->family);
    p.append_ordered = {by_seq_family(kind)};
    p.replay = [&kind](Transaction& tx, std::vector<eventstore::RecordedEvent>& recs,
                       ReplayCache&) { return replay_documents(kind, tx, recs); };
    return p;
}

}  // namespace idledger::projections
