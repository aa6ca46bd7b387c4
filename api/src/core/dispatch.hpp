#pragma once
// From a parsed HTTP request to a response: routing, authentication, rate limits, permissions,
// the handler (inline on the I/O thread for reads, on the work pool for writes), error mapping,
// and the headers every response carries.

#include <functional>
#include <vector>

#include "core/context.hpp"

namespace idledger::api {

struct CompiledRoute;

class Dispatcher {
  public:
    explicit Dispatcher(App& app);
    ~Dispatcher();
    /// Thread-safe; calls `respond` exactly once.
    void handle(HttpRequest&& req, std::function<void(HttpResponse&&)> respond);

  private:
    App& app_;
    std::vector<CompiledRoute> routes_;
};

}  // namespace idledger::api
