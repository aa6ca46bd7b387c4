#pragma once
// GET /api/v1/users?search=...&sortBy=...: the matches in sortBy order, ties in creation order,
// `sortOrder=desc` the exact reverse. Two ways to get there:
//   * the matched set, sorted: read from the indexes (or a scan) when it holds at most
//     kSortCap users — always for sortBy on a profile attribute (personal data has no ordered
//     index), and for dates when the query's own index finds at most kDateProbe matches;
//   * a walk of the ordered date index (sortBy created or lastUpdated, which every user has),
//     checking each user against the query: pages in order without collecting the matches,
//     bounded like any scan (AppConfig::scan_bound entries per page, then a `next` cursor).
// The cursor is the last user's (sort key, creation position), so both ways page alike.

#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api::users {

/// At most this many matches are sorted (a search matching more, sorted by a profile attribute,
/// answers from the first kSortCap matches in creation order).
inline constexpr size_t kSortCap = 50'000;
/// A date sort collects and sorts the query's matches when there are at most this many.
inline constexpr size_t kDateProbe = 2'000;

struct SortedPage {
    std::vector<projections::UserRow> rows;
    std::optional<std::string> next;  // the `after` of the next page
};

domain::Result<SortedPage> sorted_search(RequestContext& ctx, const domain::QueryNode& query,
                                         const std::string& sort_by, bool descending,
                                         const std::string& after, size_t limit);

}  // namespace idledger::api::users
