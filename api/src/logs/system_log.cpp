// GET /api/v1/logs: bounded queries (since/until) and polling (no until, ascending: `next` is
// always present and a client following it sees every event exactly once, in log order).

#include "logs/system_log.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/projections/read_model.hpp"
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

/// The index values whose union holds every event matching `n` (eq on eventType, actor.id or
/// target.id; `and` uses one indexed operand, preferring ids; `or` needs every operand indexed),
/// or nullopt.
std::optional<std::vector<std::string>> plan_log_query(const domain::QueryNode& n) {
    using Kind = domain::QueryNode::Kind;
    switch (n.kind) {
        case Kind::Compare: {
            if (n.op != domain::QueryOp::Eq || !n.value.is_string()) return std::nullopt;
            static constexpr std::pair<std::string_view, char> kIndexed[] = {
                {"target.id", 't'}, {"actor.id", 'a'}, {"eventType", 'e'}};
            for (const auto& [attribute, tag] : kIndexed)
                if (n.attribute == attribute)
                    return std::vector{projections::log_index_prefix(tag, n.value.as_string())};
            return std::nullopt;
        }
        case Kind::And: {
            std::optional<std::vector<std::string>> best;
            for (const auto& c : n.children) {
                auto p = plan_log_query(c);
                if (!p) continue;
                // An id is more selective than an event type; fewer values than more.
                auto weight = [](const std::vector<std::string>& v) {
                    size_t w = v.size() * 2;
                    for (const auto& k : v) w += k.front() == 'e';
                    return w;
                };
                if (!best || weight(*p) < weight(*best)) best = std::move(p);
            }
            return best;
        }
        case Kind::Or: {
            std::vector<std::string> all;
            for (const auto& c : n.children) {
                auto p = plan_log_query(c);
                if (!p) return std::nullopt;
                all.insert(all.end(), p->begin(), p->end());
            }
            return all;
        }
    }
    return std::nullopt;
}

/// The events a System Log query examines, in log order (or its reverse), a chunk at a time:
/// the whole log, or the union of some index values' positions.
class LogWalk {
  public:
    LogWalk(RequestContext& ctx, std::optional<std::vector<std::string>> index, int64_t from,
            bool descending, uint64_t head)
        : ctx_(ctx), descending_(descending), head_(head), from_(from) {
        if (index)
            for (auto& prefix : *index) values_.push_back({std::move(prefix), from, {}, false});
        indexed_ = index.has_value();
    }

    eventstore::Result<std::vector<eventstore::RecordedEvent>> next_chunk() {
        if (!indexed_) return next_log_chunk();
        std::vector<eventstore::RecordedEvent> out;
        while (out.size() < kChunk) {
            auto position = next_position();
            if (!position) return std::unexpected(position.error());
            if (!*position) break;
            auto e = ctx_.app.store.read_all(**position, 1);
            if (!e) return std::unexpected(e.error());
            if (!e->empty()) out.push_back(std::move(e->front()));
        }
        return out;
    }

  private:
    struct Value {
        std::string prefix;
        int64_t next;                  // where its next batch starts
        std::vector<uint64_t> buffer;  // fetched, not yet merged (reversed: back is next)
        bool exhausted;
    };

    eventstore::Result<std::vector<eventstore::RecordedEvent>> next_log_chunk() {
        if (from_ < 1 || uint64_t(from_) > head_) return std::vector<eventstore::RecordedEvent>{};
        auto chunk = descending_ ? ctx_.app.store.read_all_backwards(uint64_t(from_), kChunk)
                                 : ctx_.app.store.read_all(
                                       uint64_t(from_),
                                       std::min<size_t>(kChunk, head_ - uint64_t(from_) + 1));
        if (chunk && !chunk->empty())
            from_ = descending_ ? int64_t(chunk->back().position) - 1
                                : int64_t(chunk->back().position) + 1;
        return chunk;
    }

    eventstore::Result<void> refill(Value& v) {
        constexpr size_t kBatch = 256;
        if (v.exhausted || !v.buffer.empty()) return {};
        if (v.next < 1 || uint64_t(v.next) > head_) {
            v.exhausted = true;
            return {};
        }
        std::vector<uint64_t> got;
        auto r = ctx_.app.reader.scan_log_index(v.prefix, uint64_t(v.next), descending_,
                                                [&](uint64_t position) {
                                                    if (position > head_) return false;
                                                    got.push_back(position);
                                                    return got.size() < kBatch;
                                                });
        if (!r) return r;
        if (got.size() < kBatch) v.exhausted = true;
        if (!got.empty()) v.next = descending_ ? int64_t(got.back()) - 1 : int64_t(got.back()) + 1;
        v.buffer.assign(got.rbegin(), got.rend());
        return {};
    }

    /// The next position of the union (deduplicated), or nullopt at the end.
    eventstore::Result<std::optional<uint64_t>> next_position() {
        std::optional<uint64_t> best;
        for (auto& v : values_) {
            if (auto r = refill(v); !r) return std::unexpected(r.error());
            if (v.buffer.empty()) continue;
            const uint64_t p = v.buffer.back();
            if (!best || (descending_ ? p > *best : p < *best)) best = p;
        }
        if (best)
            for (auto& v : values_)
                if (!v.buffer.empty() && v.buffer.back() == *best) v.buffer.pop_back();
        return best;
    }

    RequestContext& ctx_;
    bool descending_;
    uint64_t head_;
    int64_t from_;
    bool indexed_ = false;
    std::vector<Value> values_;
};

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

    // Walk the log — or, when the filter names an indexed value, that value's positions — from
    // the first position to examine, forwards or backwards, until the page is full, the walk
    // leaves the time range, or it has examined the scan bound (then `next` continues it).
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
    const auto index = filter ? plan_log_query(*filter) : std::nullopt;
    LogWalk walk(ctx, index, from, descending, head);
    size_t examined = 0;
    while (page.as_array().size() < limit) {
        auto chunk = walk.next_chunk();
        if (!chunk) return std::unexpected(store_failure(chunk.error()));
        if (chunk->empty()) break;
        bool done = false;
        for (const auto& e : *chunk) {
            if (!in_range(e)) {
                done = true;
                break;
            }
            if (page.as_array().size() == limit || examined == ctx.app.config.scan_bound) {
                more = true;
                done = true;
                break;
            }
            take(e);
            ++examined;
            last_examined = e.position;
        }
        if (done) break;
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
    using enum Exec;
    return {
        {"GET", "/api/v1/logs", "SystemLog_listLogEvents", "logs", need("okta.logs.read"), Query,
         list},
    };
}

}  // namespace idledger::api::logs
