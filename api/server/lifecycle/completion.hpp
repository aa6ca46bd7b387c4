#pragma once
// Applying a worker's result: on the writer thread, the completion events of the request (and
// the revocations deprovisioning asked for) are appended in one batch, and the request leaves the
// outbox in that same batch — so a result delivered twice is applied once.

#include <functional>

#include "core/app.hpp"
#include "idledger/workers/lifecycle_messages.hpp"

namespace idledger::api {

/// `done(applied)` runs once the batch is durable (applied=false: a duplicate, a superseded
/// request, or a failure — the request then stays pending and is published again).
void apply_result(App& app, const workers::ResultMessage& result,
                  std::function<void(bool applied)> done);

}  // namespace idledger::api
