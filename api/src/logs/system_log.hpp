#pragma once

#include <vector>

#include "core/context.hpp"

namespace idledger::api::logs {

/// The endpoints, for the route table.
std::vector<Route> routes();

/// GET /api/v1/logs — Okta's System Log, served from the event log (every event, forever).
domain::Result<HttpResponse> list(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::logs
