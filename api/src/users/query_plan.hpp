#pragma once
// Answering a users query from the secondary indexes (projections/user_indexes.cpp): which index
// values can answer it, and collecting a page in creation order either from those indexes or,
// when none can, from a bounded scan that pages with a cursor.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api::users {

/// A range [from, to] of one date attribute (projections::kDateIndexes letter).
struct DateRange {
    char letter = 'u';
    domain::Millis from = 0;
    domain::Millis to = 0;
};
/// One index read: the entries of one value (`prefix`), or a date range.
struct IndexSource {
    std::string prefix;
    std::optional<DateRange> range;
};
using IndexPlan = std::vector<IndexSource>;

/// The index reads whose union holds every user matching `node` (a superset); nullopt when no
/// index can answer it. `and` uses its most selective indexed operand (equality, then prefix,
/// then a range), `or` needs every operand indexed.
std::optional<IndexPlan> plan_query(const domain::QueryNode& node);

/// A date range holding more users than this is read as a scan instead (its matches are
/// sorted into creation order, so they are collected whole).
inline constexpr size_t kRangeCap = 50'000;

struct Collected {
    std::vector<projections::UserRow> rows;
    /// Where the next page starts (set when more may follow).
    std::optional<uint64_t> next_seq;
};

/// Up to `limit` users with seq > `after` accepted by `accept`, in creation order: from the
/// union of `index` values when given, otherwise by scanning. Either way at most
/// AppConfig::scan_bound rows are read in vain (scanned, or index candidates `accept` refuses):
/// past it the page ends early with a cursor (Okta's clients follow `next` until it is absent).
/// `bound_refused` false: index candidates are read until the page is full (`q`, which answers
/// one page without a cursor).
domain::Result<Collected> collect_users(
    RequestContext& ctx, const std::optional<IndexPlan>& index, uint64_t after, size_t limit,
    const std::function<bool(const projections::UserRow&)>& accept, bool bound_refused = true);

}  // namespace idledger::api::users
