#pragma once
// /healthz, /readyz and /metrics: unauthenticated operational endpoints (not part of Okta's API).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::system {

/// The endpoints, for the route table.
std::vector<Route> routes();

domain::Result<HttpResponse> healthz(RequestContext&, const HttpRequest&);
domain::Result<HttpResponse> readyz(RequestContext&, const HttpRequest&);
domain::Result<HttpResponse> metrics(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::system
