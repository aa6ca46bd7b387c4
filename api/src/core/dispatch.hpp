#pragma once
// From a parsed HTTP request to a response: routing, authentication, rate limits, permissions,
// the handler (inline on the I/O thread for reads, on the work pool for writes), error mapping,
// and the headers every response carries.

#include <functional>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace idledger::api {

struct CompiledRoute;
struct AppConfig;

/// The base of every absolute URL in a response: the public URL, or scheme://host when the
/// request's Host is one of the allowed hosts (the configured spelling is used, never the
/// client's bytes).
std::string base_url_for(const AppConfig& config, const std::string* host);

/// Whether a Content-Type names JSON: `application/json`, any case, parameters allowed.
bool is_json_media_type(const std::string* content_type);

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
