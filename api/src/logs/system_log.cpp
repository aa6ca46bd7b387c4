// GET /api/v1/logs: bounded queries (since/until) and polling (no until, ascending: `next` is
// always present and a client following it sees every event exactly once, in log order).

#include "logs/system_log.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "idledger/domain/user_query.hpp"
#include "logs/event_view.hpp"

namespace idledger::api::logs {

using domain::Json;

namespace {

constexpr size_t kChunk = 512;
constexpr domain::Millis kDefaultWindow = 7LL * 24 * 3600 * 1000;

domain::Result<std::optional<domain::Millis>> date_param(const HttpRequest& req,
                                                         std::string_view name) {
    const std::string* v = req.param(name);
    if (!v || v->empty()) return std::optional<domain::Millis>{};
    auto t = domain::parse_iso8601(*v);
    if (!t)
        return domain::validation(
            std::string(name),
            "The date format in your query is not recognized. Please enter dates "
            "using ISO8601 string format.");
    return std::optional<domain::Millis>(*t);
}

void collect_strings(const Json& j, std::vector<std::string>& out) {
    if (j.is_string())
        out.push_back(j.as_string());
    else if (j.is_array())
        for (const auto& e : j.as_array()) collect_strings(e, out);
    else if (j.is_object())
        for (const auto& [k, v] : j.as_object()) collect_strings(v, out);
}

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// `q`: every keyword must equal (case-insensitively) a whole value or a part of one split on
/// spaces and hyphens.
bool matches_keywords(const Json& event, const std::vector<std::string>& keywords) {
    if (keywords.empty()) return true;
    std::vector<std::string> values;
    collect_strings(event, values);
    std::vector<std::string> tokens;
    for (auto& v : values) {
        std::string l = lower(v);
        tokens.push_back(l);
        std::string part;
        for (char c : l + " ") {
            if (c == ' ' || c == '-') {
                if (!part.empty()) tokens.push_back(part);
                part.clear();
            } else {
                part.push_back(c);
            }
        }
    }
    for (const auto& k : keywords)
        if (std::find(tokens.begin(), tokens.end(), k) == tokens.end()) return false;
    return true;
}

}  // namespace

domain::Result<HttpResponse> list(RequestContext& ctx, const HttpRequest& req) {
    auto since = date_param(req, "since");
    if (!since) return std::unexpected(since.error());
    auto until = date_param(req, "until");
    if (!until) return std::unexpected(until.error());
    size_t limit = 100;
    if (const std::string* l = req.param("limit"); l && !l->empty()) {
        long long n = -1;
        auto r = std::from_chars(l->data(), l->data() + l->size(), n);
        if (r.ec != std::errc() || r.ptr != l->data() + l->size() || n < 0 || n > 1000)
            return domain::validation("limit", "limit must be between 0 and 1000");
        limit = size_t(n);
    }
    bool descending = false;
    if (const std::string* o = req.param("sortOrder"); o && !o->empty()) {
        if (*o == "DESCENDING")
            descending = true;
        else if (*o != "ASCENDING")
            return domain::validation("sortOrder", "sortOrder must be ASCENDING or DESCENDING");
    }
    std::optional<domain::QueryNode> filter;
    if (const std::string* f = req.param("filter"); f && !f->empty()) {
        auto parsed = domain::parse_user_query(*f, domain::QueryMode::Log);
        if (!parsed)
            return domain::fail(domain::ErrorCode::InvalidLogFilter, "filter",
                                parsed.error().causes);
        filter = std::move(*parsed);
    }
    std::vector<std::string> keywords;
    if (const std::string* q = req.param("q"); q && !q->empty()) {
        std::string word;
        for (char c : *q + " ") {
            if (c == ' ') {
                if (!word.empty()) keywords.push_back(lower(word));
                word.clear();
            } else {
                word.push_back(c);
            }
        }
        if (keywords.size() > 10 ||
            std::any_of(keywords.begin(), keywords.end(), [](auto& k) { return k.size() > 40; }))
            return domain::validation("q", "At most 10 keywords of at most 40 characters each");
    }
    std::optional<uint64_t> after;
    if (const std::string* a = req.param("after"); a && !a->empty()) {
        uint64_t p = 0;
        if (a->size() < 2 || (*a)[0] != 'p' ||
            std::from_chars(a->data() + 1, a->data() + a->size(), p).ec != std::errc())
            return domain::validation("after", "The cursor is not valid");
        after = p;
    }

    const bool polling = !*until && !descending;
    const domain::Millis until_ms = until->value_or(ctx.app.clock.now_ms() + 1);
    const domain::Millis since_ms = since->value_or(until_ms - kDefaultWindow);
    auto& store = ctx.app.store;
    const uint64_t head = store.head();

    EventView view(ctx.app.reader, ctx.app.store);
    Json page = Json::array();
    bool more = false;
    uint64_t last_examined = 0;
    auto take = [&](const eventstore::RecordedEvent& e) {
        auto log = view.log_event(e);
        if (!log) return;
        if (filter && !domain::matches_json(*filter, *log)) return;
        if (!matches_keywords(*log, keywords)) return;
        page.push(std::move(*log));
    };

    // Walk the log from the first position to examine, forwards or backwards, until the page is
    // full or the walk leaves the time range.
    int64_t from;
    if (after) {
        from = descending ? int64_t(*after) - 1 : int64_t(*after) + 1;
    } else {
        auto p = store.position_at(descending ? until_ms : since_ms);
        if (!p) return std::unexpected(store_failure(p.error()));
        from = descending ? int64_t(*p) - 1 : int64_t(*p);
    }
    last_examined = uint64_t(descending ? from + 1 : from - 1);
    auto in_range = [&](const eventstore::RecordedEvent& e) {
        return descending ? e.timestamp_ms >= since_ms : e.timestamp_ms < until_ms;
    };
    while (page.as_array().size() < limit && from >= 1 && uint64_t(from) <= head) {
        auto chunk = descending
                         ? store.read_all_backwards(uint64_t(from), kChunk)
                         : store.read_all(uint64_t(from),
                                          std::min<size_t>(kChunk, head - uint64_t(from) + 1));
        if (!chunk) return std::unexpected(store_failure(chunk.error()));
        if (chunk->empty()) break;
        bool done = false;
        for (const auto& e : *chunk) {
            if (!in_range(e)) {
                done = true;
                break;
            }
            if (page.as_array().size() == limit) {
                more = true;
                done = true;
                break;
            }
            take(e);
            last_examined = e.position;
        }
        if (done) break;
        from =
            descending ? int64_t(chunk->back().position) - 1 : int64_t(chunk->back().position) + 1;
    }
    if (!descending && !polling && !more && page.as_array().size() == limit && last_examined < head)
        more = true;

    auto res = json_response(200, page);
    res.add_header("Link", "<" + request_url(ctx, req) + ">; rel=\"self\"");
    if (polling || more) {
        // The next page keeps every bound of this one: a bounded query carries its (possibly
        // defaulted) since and until explicitly, so the default window is never applied again.
        std::string extra = "after=p" + std::to_string(last_examined);
        if (!polling)
            extra += "&since=" + percent_encode(domain::format_iso8601(since_ms)) +
                     "&until=" + percent_encode(domain::format_iso8601(until_ms));
        res.add_header(
            "Link",
            "<" +
                request_url(
                    ctx, req,
                    polling ? std::initializer_list<std::string_view>{"after"}
                            : std::initializer_list<std::string_view>{"after", "since", "until"},
                    extra) +
                ">; rel=\"next\"");
    }
    return res;
}

std::vector<Route> routes() {
    using enum Perm;
    using enum Exec;
    return {
        {"GET", "/api/v1/logs", "SystemLog_listLogEvents", "logs", UsersRead, Blocking, list},
    };
}

}  // namespace idledger::api::logs
