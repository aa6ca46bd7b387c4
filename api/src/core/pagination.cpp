#include "core/pagination.hpp"

#include <algorithm>
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

std::string request_url(const RequestContext& ctx, const HttpRequest& req,
                        std::initializer_list<std::string_view> drop, const std::string& extra) {
    std::string q;
    for (const auto& [k, v] : req.query) {
        if (std::find(drop.begin(), drop.end(), k) != drop.end()) continue;
        q += (q.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
    }
    if (!extra.empty()) q += (q.empty() ? "" : "&") + extra;
    return ctx.base_url + req.path + (q.empty() ? "" : "?" + q);
}

void add_link_headers(HttpResponse& res, const RequestContext& ctx, const HttpRequest& req,
                      size_t limit, const std::optional<std::string>& next_after) {
    res.add_header("Link", "<" + request_url(ctx, req) + ">; rel=\"self\"");
    if (!next_after) return;
    std::string extra = req.param("limit") ? "" : "limit=" + std::to_string(limit) + "&";
    extra += "after=" + percent_encode(*next_after);
    res.add_header("Link", "<" + request_url(ctx, req, {"after"}, extra) + ">; rel=\"next\"");
}

}  // namespace idledger::api
