#pragma once
// From a parsed HTTP request to a response, as ordered stages: request id -> limits -> CORS ->
// route -> authentication -> rate limit -> permission -> request shape -> handler (inline on the
// I/O thread for reads, on the work pool for writes) -> the headers every response carries and
// the metrics.

#include <functional>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace idledger::api {

struct CompiledRoute;
struct AppConfig;
struct Exchange;

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
    // The stages, in order; each returns true when it answered the request.
    bool stage_limits(Exchange& x);         // what the transport could not parse
    bool stage_cors(Exchange& x);           // trusted browser origins; preflights answered
    bool stage_route(Exchange& x);          // 404 / 405, path parameters, body size
    bool stage_auth(Exchange& x);           // the token's principal
    bool stage_rate_limit(Exchange& x);     // per token and endpoint family
    bool stage_permission(Exchange& x);     // the route's Access
    bool stage_request_shape(Exchange& x);  // read-only copies, media type
    void stage_handler(const std::shared_ptr<Exchange>& x);  // runs it; `finish` logs and answers
    bool open_route(const Route& r) const;

    App& app_;
    std::vector<CompiledRoute> routes_;
};

}  // namespace idledger::api
