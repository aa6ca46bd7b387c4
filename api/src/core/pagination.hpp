#pragma once
// Cursor pagination with Okta's Link headers: `self` always, `next` only when there is more.

#include <optional>
#include <string>

#include "core/context.hpp"

namespace idledger::api {

/// `limit`: default when absent, capped at `max`; non-numeric or < 1 -> 400 E0000029.
domain::Result<size_t> read_limit(const HttpRequest& req, size_t fallback, size_t max);

/// Adds `Link: <...>; rel="self"` and, with `next_after`, `Link: <...&after=...>; rel="next"`
/// carrying the caller's other parameters and `limit`. URLs are absolute on the request's origin.
void add_link_headers(HttpResponse& res, const RequestContext& ctx, const HttpRequest& req,
                      size_t limit, const std::optional<std::string>& next_after);

}  // namespace idledger::api
