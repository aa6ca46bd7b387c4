#include "users/sorted_search.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_rules.hpp"
#include "users/query_plan.hpp"

namespace idledger::api::users {

namespace pj = projections;
using domain::Json;

namespace {

/// Where a page starts: after this (key, creation position).
struct Position {
    std::string key;
    uint64_t seq = 0;
};

/// A date's sort key: 8 big-endian bytes of its milliseconds, as the date index orders it.
std::string date_key(domain::Millis at) {
    return eventstore::encode_u64(uint64_t(std::max<domain::Millis>(at, 0)));
}

/// The sort key: a date's date_key (absent: empty, first), a string case-folded, anything else
/// as JSON.
std::string sort_key(const domain::User& u, const std::string& sort_by) {
    if (pj::date_index(sort_by)) {
        auto at = domain::user_date(u, sort_by);
        return at ? date_key(*at) : std::string();
    }
    Json v = domain::user_attribute(u, sort_by);
    return v.is_string() ? domain::normalize_login(v.as_string()) : v.is_null() ? "" : v.dump();
}

std::string cursor(const Position& p) {
    return domain::to_hex(p.key) + "." + std::to_string(p.seq);
}

domain::Result<std::optional<Position>> read_cursor(const std::string& after) {
    if (after.empty()) return std::optional<Position>{};
    const size_t dot = after.find('.');
    auto key = dot == std::string::npos ? std::nullopt
                                        : domain::from_hex(std::string_view(after).substr(0, dot));
    uint64_t seq = 0;
    const char* end = after.data() + after.size();
    if (!key || dot + 1 == after.size() ||
        std::from_chars(after.data() + dot + 1, end, seq).ptr != end)
        return domain::fail(domain::ErrorCode::InvalidPaging, {},
                            {{"after: The cursor is not valid"}});
    return std::optional(Position{std::move(*key), seq});
}

/// (key, seq) order, or its reverse.
bool before(const Position& a, const Position& b, bool descending) {
    return descending ? std::tie(b.key, b.seq) < std::tie(a.key, a.seq)
                      : std::tie(a.key, a.seq) < std::tie(b.key, b.seq);
}

struct Matches {
    std::vector<pj::UserRow> rows;  // in creation order
    bool complete = true;           // false: there are more than the cap
};

/// The query's matches, the first `cap` of them. With `probe`, reading stops (incomplete) at the
/// first page the scan bound ends early: a date sort then walks its index instead.
domain::Result<Matches> matches(RequestContext& ctx, const domain::QueryNode& query,
                                const std::optional<IndexPlan>& plan, size_t cap, bool probe) {
    Matches out;
    uint64_t after = 0;
    for (;;) {
        const size_t asked = cap + 1 - out.rows.size();
        auto page = collect_users(ctx, plan, after, asked, [&](const pj::UserRow& row) {
            return domain::matches(query, row.user, domain::QueryMode::Search);
        });
        if (!page) return std::unexpected(page.error());
        const bool cut_short = page->next_seq && page->rows.size() < asked;
        for (auto& r : page->rows) out.rows.push_back(std::move(r));
        if (out.rows.size() > cap) {
            out.rows.resize(cap);
            out.complete = false;
            return out;
        }
        if (!page->next_seq) return out;
        if (probe && cut_short) {
            out.complete = false;
            return out;
        }
        after = *page->next_seq;
    }
}

SortedPage sort_matches(std::vector<pj::UserRow> rows, const std::string& sort_by, bool descending,
                        const std::optional<Position>& from, size_t limit) {
    struct Item {
        Position at;
        pj::UserRow* row;
    };
    std::vector<Item> items;
    items.reserve(rows.size());
    for (auto& r : rows) items.push_back({{sort_key(r.user, sort_by), r.seq}, &r});
    auto order = [&](const Item& a, const Item& b) { return before(a.at, b.at, descending); };
    std::sort(items.begin(), items.end(), order);
    auto it = items.begin();
    if (from) it = std::upper_bound(items.begin(), items.end(), Item{*from, nullptr}, order);
    SortedPage out;
    for (; it != items.end() && out.rows.size() < limit; ++it) out.rows.push_back(*it->row);
    if (it != items.end() && !out.rows.empty()) out.next = cursor((it - 1)->at);
    return out;
}

/// The date index walked in order, each user checked against the query; at most scan_bound
/// entries per page.
domain::Result<SortedPage> walk_dates(RequestContext& ctx, const domain::QueryNode& query,
                                      const std::string& sort_by, bool descending,
                                      const std::optional<Position>& from, size_t limit) {
    const char letter = *pj::date_index(sort_by);
    std::optional<std::pair<domain::Millis, uint64_t>> start;
    if (from && from->key.size() == 8)
        start = {domain::Millis(eventstore::decode_u64(from->key)), from->seq};
    else if (from)
        return domain::fail(domain::ErrorCode::InvalidPaging, {},
                            {{"after: The cursor is not valid"}});
    SortedPage out;
    std::optional<eventstore::Error> failed;
    Position last;
    size_t read = 0;
    auto r = ctx.app.reader.scan_date_order(
        letter, descending, start, [&](domain::Millis at, uint64_t seq, std::string_view id) {
            auto row = ctx.app.reader.user(id);
            if (!row && row.error().code != eventstore::Errc::Corruption) {
                failed = row.error();
                return false;
            }
            // A user changed since this entry was read shows up at its new place instead.
            const bool current =
                row && *row && (*row)->seq == seq && domain::user_date((*row)->user, sort_by) == at;
            const Position here{date_key(at), seq};
            if (current && domain::matches(query, (*row)->user, domain::QueryMode::Search)) {
                if (out.rows.size() == limit) {
                    out.next = cursor(last);
                    return false;
                }
                out.rows.push_back(std::move(**row));
            }
            last = here;
            if (++read == ctx.app.config.scan_bound) {
                out.next = cursor(last);
                return false;
            }
            return true;
        });
    if (!r) return std::unexpected(store_failure(r.error()));
    if (failed) return std::unexpected(store_failure(*failed));
    return out;
}

}  // namespace

domain::Result<SortedPage> sorted_search(RequestContext& ctx, const domain::QueryNode& query,
                                         const std::string& sort_by, bool descending,
                                         const std::string& after, size_t limit) {
    auto from = read_cursor(after);
    if (!from) return std::unexpected(from.error());
    const bool walkable = sort_by == "created" || sort_by == "lastUpdated";
    const auto plan = plan_query(query);
    // A date sort walks the date index unless the query's own index finds few matches (an
    // unindexed query is not collected first: that would scan every user).
    if (walkable && !plan) return walk_dates(ctx, query, sort_by, descending, *from, limit);
    auto found = matches(ctx, query, plan, walkable ? kDateProbe : kSortCap, walkable);
    if (!found) return std::unexpected(found.error());
    if (walkable && !found->complete)
        return walk_dates(ctx, query, sort_by, descending, *from, limit);
    return sort_matches(std::move(found->rows), sort_by, descending, *from, limit);
}

}  // namespace idledger::api::users
