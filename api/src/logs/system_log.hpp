#pragma once

#include "core/context.hpp"

namespace idledger::api::logs {

/// GET /api/v1/logs — Okta's System Log, served from the event log (every event, forever).
domain::Result<HttpResponse> list(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::logs
