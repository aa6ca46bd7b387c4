#include "users/query_plan.hpp"

#include <limits>
#include <map>

#include "core/json_io.hpp"

namespace idledger::api::users {

namespace pj = projections;
using domain::QueryNode;

namespace {

/// 0: equality, 1: prefix, 2: presence or range (lower is more selective).
int rank(const IndexPlan& p) {
    int worst = 0;
    for (const auto& s : p)
        worst = std::max(worst, s.range || s.prefix.front() == 'h' ? 2 : s.prefix.front() == 'p');
    return worst;
}

std::optional<DateRange> date_range(const QueryNode& n) {
    const auto letter = pj::date_index(n.attribute);
    if (!letter || !n.date) return std::nullopt;
    constexpr domain::Millis kMax = std::numeric_limits<domain::Millis>::max();
    const domain::Millis d = *n.date;
    switch (n.op) {
        case domain::QueryOp::Eq:
            return DateRange{*letter, d, d};
        case domain::QueryOp::Gt:
            return DateRange{*letter, d + 1, kMax};
        case domain::QueryOp::Ge:
            return DateRange{*letter, d, kMax};
        case domain::QueryOp::Lt:
            return DateRange{*letter, domain::Millis(0), d - 1};
        case domain::QueryOp::Le:
            return DateRange{*letter, domain::Millis(0), d};
        default:
            return std::nullopt;
    }
}

}  // namespace

std::optional<IndexPlan> plan_query(const QueryNode& n) {
    switch (n.kind) {
        case QueryNode::Kind::Compare: {
            if (auto range = date_range(n)) return IndexPlan{{std::string(), range}};
            if (n.op == domain::QueryOp::Pr) {
                auto p = pj::presence_index(n.attribute);
                if (!p) return std::nullopt;
                return IndexPlan{{*p, std::nullopt}};
            }
            if (!n.value.is_string()) return std::nullopt;
            std::optional<std::string> p;
            if (n.op == domain::QueryOp::Eq)
                p = pj::equality_index(n.attribute, n.value.as_string());
            if (n.op == domain::QueryOp::Sw) p = pj::prefix_index(n.attribute, n.value.as_string());
            if (!p) return std::nullopt;
            return IndexPlan{{*p, std::nullopt}};
        }
        case QueryNode::Kind::And: {
            // Drive from one indexed operand; every candidate is then checked against the whole
            // expression.
            std::optional<IndexPlan> best;
            for (const auto& c : n.children) {
                auto p = plan_query(c);
                if (!p) continue;
                if (!best || rank(*p) < rank(*best) ||
                    (rank(*p) == rank(*best) && p->size() < best->size()))
                    best = std::move(p);
            }
            return best;
        }
        case QueryNode::Kind::Or: {
            IndexPlan all;
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

/// Merges the index values' entries in creation order, a batch per value and round (ranges are
/// read whole first). nullopt when a range holds more than kRangeCap users.
domain::Result<std::optional<Collected>> collect_indexed(
    RequestContext& ctx, const IndexPlan& index, uint64_t after, size_t limit,
    const std::function<bool(const pj::UserRow&)>& accept, bool bound_refused) {
    constexpr size_t kBatch = 256;
    Collected out;
    std::vector<uint64_t> pos(index.size(), after);
    std::vector<bool> exhausted(index.size(), false);
    std::map<uint64_t, std::string> pending;  // seq -> id, deduplicated across values
    size_t rejected = 0;
    for (size_t i = 0; i < index.size(); ++i) {
        if (!index[i].range) continue;
        exhausted[i] = true;
        size_t read = 0;
        const DateRange& range = *index[i].range;
        auto r = ctx.app.reader.scan_dates(range.letter, range.from, range.to,
                                           [&](uint64_t seq, std::string_view id) {
                                               if (seq > after)
                                                   pending.emplace(seq, std::string(id));
                                               return ++read <= kRangeCap;
                                           });
        if (!r) return std::unexpected(store_failure(r.error()));
        if (read > kRangeCap) return std::optional<Collected>{};
    }
    for (;;) {
        uint64_t horizon = std::numeric_limits<uint64_t>::max();
        for (size_t i = 0; i < index.size(); ++i) {
            if (exhausted[i]) continue;
            size_t fetched = 0;
            auto r = ctx.app.reader.scan_index(index[i].prefix, pos[i],
                                               [&](uint64_t seq, std::string_view id) {
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
            if (!*row || (*row)->seq != seq || !accept(**row)) {
                // Candidates that do not match are bounded like a scan's rows: the page ends
                // here and the cursor continues after this candidate.
                if (bound_refused && ++rejected == ctx.app.config.scan_bound) {
                    out.next_seq = seq;
                    return std::optional(std::move(out));
                }
                continue;
            }
            if (out.rows.size() == limit) {
                out.next_seq = out.rows.back().seq;
                return std::optional(std::move(out));
            }
            out.rows.push_back(std::move(**row));
        }
        if (horizon == std::numeric_limits<uint64_t>::max()) return std::optional(std::move(out));
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

domain::Result<Collected> collect_users(RequestContext& ctx, const std::optional<IndexPlan>& index,
                                        uint64_t after, size_t limit,
                                        const std::function<bool(const pj::UserRow&)>& accept,
                                        bool bound_refused) {
    if (index) {
        auto indexed = collect_indexed(ctx, *index, after, limit, accept, bound_refused);
        if (!indexed) return std::unexpected(indexed.error());
        if (*indexed) return std::move(**indexed);
        // A range too wide to sort: its matches are common, so a scan fills pages quickly.
    }
    return collect_scanned(ctx, after, limit, accept);
}

}  // namespace idledger::api::users
