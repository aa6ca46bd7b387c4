// The kit's relation read models (documents.hpp): both directions of every link, in the order
// the links were made, and a count per document.

#include "idledger/domain/json_parse.hpp"
#include "idledger/projections/documents.hpp"

namespace idledger::projections {

using eventstore::decode_u64;
using eventstore::encode_u64;
using eventstore::Result;
using eventstore::Transaction;

namespace {

std::string pair_key(char tag, std::string_view a, std::string_view b) {
    std::string k(1, tag);
    k += a;
    k.push_back('\0');
    k += b;
    return k;
}

std::string count_key(std::string_view left) {
    std::string k(1, 'n');
    k += left;
    return k;
}

/// The data stored after a link's seq ({} when none or not kept).
domain::Json decode_link_data(std::string_view value) {
    if (value.size() <= 8) return domain::Json::object();
    auto j = domain::parse_json(value.substr(8));
    return j && j->is_object() ? std::move(*j) : domain::Json::object();
}

std::string one_left_key(std::string_view right) {
    std::string k(1, 'o');
    k += right;
    return k;
}

}  // namespace

Result<bool> related(Transaction& tx, const domain::RelationKind& relation, std::string_view left,
                     std::string_view right) {
    auto v = tx.get(relation.family, pair_key('F', left, right));
    if (!v) return std::unexpected(v.error());
    return v->has_value();
}

Result<std::optional<domain::Json>> link_data(Transaction& tx, const domain::RelationKind& relation,
                                              std::string_view left, std::string_view right) {
    auto v = tx.get(relation.family, pair_key('F', left, right));
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<domain::Json>();
    return std::optional(decode_link_data(**v));
}

Result<std::optional<std::string>> left_of(Transaction& tx, const domain::RelationKind& relation,
                                           std::string_view right) {
    return tx.get(relation.family, one_left_key(right));
}

void apply_relation_event(Transaction& tx, const domain::RelationKind& relation,
                          std::string_view document_id, const domain::Event& e,
                          const eventstore::RecordedEvent& rec) {
    const bool added = e.type == relation.added.name;
    const std::string left = relation.left_field.empty() ? std::string(document_id)
                                                         : e.data.string_at(relation.left_field);
    const std::string right = e.data.string_at(relation.other_field);
    if (left.empty() || right.empty()) return;
    const std::string family(relation.family);
    auto seq = tx.get(family, pair_key('F', left, right));
    if (!seq) return;
    if (added && seq->has_value()) {  // again: new data, same place
        if (!relation.keeps_data) return;
        domain::Json data = e.data;
        data.erase("by");
        const domain::Json old = decode_link_data(**seq);
        if (const domain::Json* c = old.find("created")) data.set("created", *c);
        data.set("lastUpdated", rec.timestamp_ms);
        tx.put(family, pair_key('F', left, right), (*seq)->substr(0, 8) + data.dump());
        return;
    }
    if (!added && !seq->has_value()) return;  // already so (replay of an idempotent history)
    auto count = tx.get(family, count_key(left));
    uint64_t n = count && *count && (*count)->size() == 8 ? decode_u64(**count) : 0;
    if (added) {
        const std::string at = encode_u64(rec.position);
        std::string value = at;
        if (relation.keeps_data) {
            domain::Json data = e.data;
            data.erase("by");
            data.set("created", rec.timestamp_ms);
            data.set("lastUpdated", rec.timestamp_ms);
            value += data.dump();
        }
        tx.put(family, pair_key('f', left, at), right);
        tx.put(family, pair_key('F', left, right), value);
        tx.put(family, pair_key('b', right, at), left);
        tx.put(family, pair_key('B', right, left), at);
        if (relation.one_left) tx.put(family, one_left_key(right), left);
        ++n;
    } else {
        const std::string at = (*seq)->substr(0, 8);
        tx.del(family, pair_key('f', left, at));
        tx.del(family, pair_key('F', left, right));
        tx.del(family, pair_key('b', right, at));
        tx.del(family, pair_key('B', right, left));
        if (relation.one_left) tx.del(family, one_left_key(right));
        n = n > 0 ? n - 1 : 0;
    }
    if (n == 0)
        tx.del(family, count_key(left));
    else
        tx.put(family, count_key(left), encode_u64(n));
}

Result<bool> DocumentReader::related(const domain::RelationKind& relation, std::string_view left,
                                     std::string_view right) const {
    auto v = store_.get(relation.family, pair_key('F', left, right));
    if (!v) return std::unexpected(v.error());
    return v->has_value();
}

Result<std::optional<domain::Json>> DocumentReader::link_data(const domain::RelationKind& relation,
                                                              std::string_view left,
                                                              std::string_view right) const {
    auto v = store_.get(relation.family, pair_key('F', left, right));
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<domain::Json>();
    return std::optional(decode_link_data(**v));
}

Result<std::optional<std::string>> DocumentReader::left_of(const domain::RelationKind& relation,
                                                           std::string_view right) const {
    return store_.get(relation.family, one_left_key(right));
}

Result<uint64_t> DocumentReader::relation_count(const domain::RelationKind& relation,
                                                std::string_view left) const {
    auto v = store_.get(relation.family, count_key(left));
    if (!v) return std::unexpected(v.error());
    return *v && (*v)->size() == 8 ? decode_u64(**v) : 0;
}

Result<void> DocumentReader::related_ids(
    const domain::RelationKind& relation, bool forward, std::string_view id, uint64_t after_seq,
    const std::function<bool(uint64_t, std::string_view)>& visit) const {
    const std::string prefix = pair_key(forward ? 'f' : 'b', id, "");
    return store_.scan(relation.family, prefix, prefix + encode_u64(after_seq + 1),
                       [&](std::string_view k, std::string_view other) {
                           return visit(decode_u64(k.substr(prefix.size(), 8)), other);
                       });
}

}  // namespace idledger::projections
