#pragma once
// /healthz, /readyz and /metrics: unauthenticated operational endpoints (not part of Okta's API).

#include "core/context.hpp"

namespace idledger::api::system {

domain::Result<HttpResponse> healthz(RequestContext&, const HttpRequest&);
domain::Result<HttpResponse> readyz(RequestContext&, const HttpRequest&);
domain::Result<HttpResponse> metrics(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::system
