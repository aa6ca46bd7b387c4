#pragma once
// Test hooks, served only with `serve --test-hooks` (404 otherwise): move the server's clock
// forward, take the embedded Kafka broker down and up. Not part of Okta's API.

#include "core/context.hpp"

namespace idledger::api::test_hooks {

/// POST /api/v1/_test/clock {"advanceMs": N} -> {"now": ISO-8601}
domain::Result<HttpResponse> advance_clock(RequestContext&, const HttpRequest&);
/// POST /api/v1/_test/kafka {"brokerUp": bool}
domain::Result<HttpResponse> kafka_broker(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::test_hooks
