// GET /api/v1/users: listing, `q`, `filter`, `search` (with sortBy/sortOrder), pagination.

#include <algorithm>
#include <charconv>

#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/domain/user_rules.hpp"
#include "users/handlers.hpp"
#include "users/query_plan.hpp"
#include "users/sorted_search.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;
using domain::UserStatus;
using projections::UserRow;

namespace {

constexpr size_t kMaxLimit = 200;

/// Creation-order cursor: the sequence number of the last user returned.
std::string seq_cursor(uint64_t seq) { return "s" + std::to_string(seq); }

/// `after`: our opaque cursor ("s" + creation position), or — Okta's documented cursor for plain
/// listing, which clients build by hand — the id of the last user of the previous page.
domain::Result<uint64_t> read_seq_cursor(RequestContext& ctx, const HttpRequest& req) {
    const std::string* after = req.param("after");
    if (!after || after->empty()) return uint64_t{0};
    if (after->size() == 20 && after->starts_with("00u")) {
        auto row = ctx.app.reader.user(*after);
        if (!row) return std::unexpected(store_failure(row.error()));
        if (!*row)
            return domain::fail(domain::ErrorCode::InvalidPaging, {},
                                {{"after: No user has the id " + *after}});
        return (*row)->seq;
    }
    uint64_t seq = 0;
    if (after->size() < 2 || (*after)[0] != 's' ||
        std::from_chars(after->data() + 1, after->data() + after->size(), seq).ec != std::errc())
        return domain::fail(domain::ErrorCode::InvalidPaging, {},
                            {{"after: The cursor is not valid"}});
    return seq;
}

R page_response(RequestContext& ctx, const HttpRequest& req, const std::vector<UserRow>& rows,
                size_t limit, const std::optional<std::string>& next) {
    Json arr = Json::array();
    arr.as_array().reserve(rows.size());
    const Omissions omit = requested_omissions(req);
    for (const auto& row : rows)
        arr.push(render_user(row.user, ctx.base_url, LinkSet::SelfOnly, omit));
    auto res = json_response(200, arr);
    add_link_headers(res, ctx, req, limit, next);
    return res;
}

R find_by_q(RequestContext& ctx, const HttpRequest& req, const std::string& q) {
    auto limit = read_limit(req, 10, kMaxLimit);
    if (!limit) return std::unexpected(limit.error());
    const std::string needle = domain::normalize_login(q);
    static constexpr const char* kFields[] = {"firstName", "lastName", "email"};
    // The prefix indexes of the three fields answer any q of two characters or more.
    std::optional<IndexPlan> index = IndexPlan{};
    for (const char* field : kFields) {
        auto p = projections::prefix_index(std::string("profile.") + field, q);
        if (!p) {
            index.reset();
            break;
        }
        index->push_back({*p, std::nullopt});
    }
    auto found = collect_users(
        ctx, index, 0, *limit,
        [&](const UserRow& row) {
            if (row.user.status == UserStatus::Deprovisioned) return false;
            for (const char* field : kFields) {
                const Json* v = row.user.profile.find(field);
                if (v && v->is_string() &&
                    domain::normalize_login(v->as_string()).starts_with(needle))
                    return true;
            }
            return false;
        },
        /*bound_refused=*/false);
    if (!found) return std::unexpected(found.error());
    return page_response(ctx, req, found->rows, *limit, std::nullopt);
}

/// Listing and filter/search without sortBy: creation order, stable under concurrent creation;
/// from the indexes when they can answer, otherwise a bounded scan.
R scan_in_creation_order(RequestContext& ctx, const HttpRequest& req,
                         const std::optional<domain::QueryNode>& query, domain::QueryMode mode) {
    auto limit = read_limit(req, kMaxLimit, kMaxLimit);
    if (!limit) return std::unexpected(limit.error());
    auto after = read_seq_cursor(ctx, req);
    if (!after) return std::unexpected(after.error());
    const auto index = query ? plan_query(*query) : std::nullopt;
    auto found = collect_users(ctx, index, *after, *limit, [&](const UserRow& row) {
        if (!query) return row.user.status != UserStatus::Deprovisioned;
        return domain::matches(*query, row.user, mode);
    });
    if (!found) return std::unexpected(found.error());
    std::optional<std::string> next;
    if (found->next_seq) next = seq_cursor(*found->next_seq);
    return page_response(ctx, req, found->rows, *limit, next);
}

}  // namespace

R list(RequestContext& ctx, const HttpRequest& req) {
    const std::string* q = req.param("q");
    const std::string* filter = req.param("filter");
    const std::string* search = req.param("search");
    if (filter && search) return domain::fail(domain::ErrorCode::SearchAndFilter);
    if (search) {
        auto query = domain::parse_user_query(*search, domain::QueryMode::Search);
        if (!query) return std::unexpected(query.error());
        const std::string* sort_by = req.param("sortBy");
        const std::string* order = req.param("sortOrder");
        const std::string direction = order ? domain::normalize_login(*order) : std::string("asc");
        if (direction != "asc" && direction != "desc")
            return domain::validation("sortOrder", "sortOrder must be asc or desc");
        if (sort_by && !sort_by->empty()) {
            static constexpr std::string_view kTopLevel[] = {
                "id",          "status",          "created", "activated", "statusChanged",
                "lastUpdated", "passwordChanged", "type.id"};
            const bool known = (sort_by->starts_with("profile.") && sort_by->size() > 8) ||
                               std::find(std::begin(kTopLevel), std::end(kTopLevel), *sort_by) !=
                                   std::end(kTopLevel);
            if (!known)
                return domain::fail(domain::ErrorCode::InvalidSearch, {},
                                    {{"sortBy: " + *sort_by + " is not an attribute of a user"}});
            auto limit = read_limit(req, kMaxLimit, kMaxLimit);
            if (!limit) return std::unexpected(limit.error());
            const std::string* after = req.param("after");
            auto page = sorted_search(ctx, *query, *sort_by, direction == "desc",
                                      after ? *after : std::string(), *limit);
            if (!page) return std::unexpected(page.error());
            return page_response(ctx, req, page->rows, *limit, page->next);
        }
        return scan_in_creation_order(ctx, req, *query, domain::QueryMode::Search);
    }
    if (filter) {
        auto query = domain::parse_user_query(*filter, domain::QueryMode::Filter);
        if (!query) return std::unexpected(query.error());
        return scan_in_creation_order(ctx, req, *query, domain::QueryMode::Filter);
    }
    if (q) return find_by_q(ctx, req, *q);
    return scan_in_creation_order(ctx, req, std::nullopt, domain::QueryMode::Filter);
}

}  // namespace idledger::api::users
