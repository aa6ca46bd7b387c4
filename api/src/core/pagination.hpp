#pragma once
// Cursor pagination with Okta's Link headers: `self` always, `next` only when there is more.

#include <initializer_list>
#include <optional>
#include <string>

#include "core/context.hpp"

namespace idledger::api {

/// `limit`: default when absent, capped at `max`; non-numeric or < 1 -> 400 E0000029.
domain::Result<size_t> read_limit(const HttpRequest& req, size_t fallback, size_t max);

/// The request's absolute URL on its own origin, with the caller's query parameters except those
/// in `drop`, followed by `extra` (already encoded `name=value` pairs joined by '&').
std::string request_url(const RequestContext& ctx, const HttpRequest& req,
                        std::initializer_list<std::string_view> drop = {},
                        const std::string& extra = {});

/// Adds `Link: <...>; rel="self"` and, with `next_after`, `Link: <...&after=...>; rel="next"`
/// carrying the caller's other parameters and `limit`. URLs are absolute on the request's origin.
void add_link_headers(HttpResponse& res, const RequestContext& ctx, const HttpRequest& req,
                      size_t limit, const std::optional<std::string>& next_after);

}  // namespace idledger::api
