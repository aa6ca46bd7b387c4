#pragma once
// From a parsed HTTP request to a response, as ordered stages: request id -> limits -> CORS ->
// route -> authentication -> rate limit -> permission -> request shape -> handler (inline on the
// I/O thread for reads, on the work pool for writes) -> the headers every response carries and
// the metrics.

#include <functional>
#include <optional>
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

/// X-Idledger-Forwarded-For's value for a replica forwarding `client_ip`'s request, and the
/// client address such a value proves (nullopt: not made with this server's link key).
std::string forwarded_for(const App& app, const std::string& client_ip);
std::optional<std::string> forwarded_client(const App& app, const std::string& header);

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
    /// A replica's write goes to the primary; a read asking for a later log position waits.
    bool stage_position(const std::shared_ptr<Exchange>& x);
    void run_handler(const std::shared_ptr<Exchange>& x);
    bool open_route(const Route& r) const;

    App& app_;
    std::vector<CompiledRoute> routes_;
};

}  // namespace idledger::api
