#include "core/pagination.hpp"

#include <charconv>

namespace idledger::api {

domain::Result<size_t> read_limit(const HttpRequest& req, size_t fallback, size_t max) {
    const std::string* v = req.param("limit");
    if (!v || v->empty()) return fallback;
    long long n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || n < 1)
        return domain::fail(domain::ErrorCode::InvalidPaging, {},
                            {{"limit: The limit must be a positive whole number"}});
    return std::min<size_t>(size_t(n), max);
}

void add_link_headers(HttpResponse& res, const RequestContext& ctx, const HttpRequest& req,
                      size_t limit, const std::optional<std::string>& next_after) {
    std::string base = ctx.base_url + req.path;
    std::string self = base;
    std::string common;
    bool has_limit = false;
    for (const auto& [k, v] : req.query) {
        if (k == "limit") has_limit = true;
        if (k == "after") continue;
        common += (common.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
    }
    std::string self_q;
    for (const auto& [k, v] : req.query)
        self_q += (self_q.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
    if (!self_q.empty()) self += "?" + self_q;
    res.add_header("Link", "<" + self + ">; rel=\"self\"");
    if (next_after) {
        std::string q = common;
        if (!has_limit) q += (q.empty() ? "" : "&") + std::string("limit=") + std::to_string(limit);
        q += (q.empty() ? "" : "&") + std::string("after=") + percent_encode(*next_after);
        res.add_header("Link", "<" + base + "?" + q + ">; rel=\"next\"");
    }
}

}  // namespace idledger::api
