#include "users/query_plan.hpp"

#include <limits>
#include <map>

#include "core/json_io.hpp"

namespace idledger::api::users {

namespace pj = projections;
using domain::QueryNode;

std::optional<std::vector<std::string>> plan_query(const QueryNode& n) {
    switch (n.kind) {
        case QueryNode::Kind::Compare: {
            if (!n.value.is_string()) return std::nullopt;
            std::optional<std::string> p;
            if (n.op == domain::QueryOp::Eq)
                p = pj::equality_index(n.attribute, n.value.as_string());
            if (n.op == domain::QueryOp::Sw) p = pj::prefix_index(n.attribute, n.value.as_string());
            if (!p) return std::nullopt;
            return std::vector<std::string>{*p};
        }
        case QueryNode::Kind::And: {
            // Drive from one indexed operand (equality before prefix: usually fewer entries);
            // every candidate is then checked against the whole expression.
            std::optional<std::vector<std::string>> best;
            bool best_is_equality = false;
            for (const auto& c : n.children) {
                auto p = plan_query(c);
                if (!p) continue;
                const bool equality = p->size() == 1 && p->front().front() == 'e';
                if (!best || (equality && !best_is_equality) || p->size() < best->size()) {
                    best = std::move(p);
                    best_is_equality = equality;
                }
            }
            return best;
        }
        case QueryNode::Kind::Or: {
            std::vector<std::string> all;
            for (const auto& c : n.children) {
                auto p = plan_query(c);
                if (!p) return std::nullopt;
                all.insert(all.end(), p->begin(), p->end());
            }
            return all;
        }
    }
    return std::nullopt;
}

namespace {

/// Merges the index values' entries in creation order, a batch per value and round.
domain::Result<Collected> collect_indexed(RequestContext& ctx,
                                          const std::vector<std::string>& index, uint64_t after,
                                          size_t limit,
                                          const std::function<bool(const pj::UserRow&)>& accept) {
    constexpr size_t kBatch = 256;
    Collected out;
    std::vector<uint64_t> pos(index.size(), after);
    std::vector<bool> exhausted(index.size(), false);
    std::map<uint64_t, std::string> pending;  // seq -> id, deduplicated across values
    for (;;) {
        uint64_t horizon = std::numeric_limits<uint64_t>::max();
        for (size_t i = 0; i < index.size(); ++i) {
            if (exhausted[i]) continue;
            size_t fetched = 0;
            auto r =
                ctx.app.reader.scan_index(index[i], pos[i], [&](uint64_t seq, std::string_view id) {
                    pending.emplace(seq, std::string(id));
                    pos[i] = seq;
                    return ++fetched < kBatch;
                });
            if (!r) return std::unexpected(store_failure(r.error()));
            if (fetched < kBatch)
                exhausted[i] = true;
            else
                horizon = std::min(horizon, pos[i]);
        }
        // Entries up to the horizon are final: no value can still bring an earlier one.
        while (!pending.empty() && pending.begin()->first <= horizon) {
            auto [seq, id] = *pending.begin();
            pending.erase(pending.begin());
            auto row = ctx.app.reader.user(id);
            if (!row) {
                if (row.error().code == eventstore::Errc::Corruption) continue;
                return std::unexpected(store_failure(row.error()));
            }
            if (!*row || (*row)->seq != seq || !accept(**row)) continue;
            if (out.rows.size() == limit) {
                out.next_seq = out.rows.back().seq;
                return out;
            }
            out.rows.push_back(std::move(**row));
        }
        if (horizon == std::numeric_limits<uint64_t>::max()) return out;
    }
}

domain::Result<Collected> collect_scanned(RequestContext& ctx, uint64_t after, size_t limit,
                                          const std::function<bool(const pj::UserRow&)>& accept) {
    Collected out;
    size_t read = 0;
    uint64_t last = after;
    auto r = ctx.app.reader.scan_users(after, [&](const pj::UserRow& row) {
        if (accept(row)) {
            if (out.rows.size() == limit) {
                out.next_seq = out.rows.back().seq;
                return false;
            }
            out.rows.push_back(row);
        }
        last = row.seq;
        if (++read == ctx.app.config.scan_bound) {
            // The bound: end the page here; the cursor continues after the last row read.
            out.next_seq = last;
            return false;
        }
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    return out;
}

}  // namespace

domain::Result<Collected> collect_users(RequestContext& ctx,
                                        const std::optional<std::vector<std::string>>& index,
                                        uint64_t after, size_t limit,
                                        const std::function<bool(const pj::UserRow&)>& accept) {
    if (index) return collect_indexed(ctx, *index, after, limit, accept);
    return collect_scanned(ctx, after, limit, accept);
}

}  // namespace idledger::api::users
