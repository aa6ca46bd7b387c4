// The kit's relation read models (documents.hpp): both directions of every link, in the order
// the links were made, and a count per document.

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

}  // namespace

Result<bool> related(Transaction& tx, const domain::RelationKind& relation, std::string_view left,
                     std::string_view right) {
    auto v = tx.get(relation.family, pair_key('F', left, right));
    if (!v) return std::unexpected(v.error());
    return v->has_value();
}

void apply_relation_event(Transaction& tx, const domain::RelationKind& relation,
                          std::string_view left, std::string_view right, bool added,
                          uint64_t position) {
    if (left.empty() || right.empty()) return;
    const std::string family(relation.family);
    auto seq = tx.get(family, pair_key('F', left, right));
    if (!seq) return;
    if (added == seq->has_value()) return;  // already so (replay of an idempotent history)
    auto count = tx.get(family, count_key(left));
    uint64_t n = count && *count && (*count)->size() == 8 ? decode_u64(**count) : 0;
    if (added) {
        const std::string at = encode_u64(position);
        tx.put(family, pair_key('f', left, at), right);
        tx.put(family, pair_key('F', left, right), at);
        tx.put(family, pair_key('b', right, at), left);
        tx.put(family, pair_key('B', right, left), at);
        ++n;
    } else {
        const std::string at = **seq;
        tx.del(family, pair_key('f', left, at));
        tx.del(family, pair_key('F', left, right));
        tx.del(family, pair_key('b', right, at));
        tx.del(family, pair_key('B', right, left));
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
