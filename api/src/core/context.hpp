#pragma once
// Per-request context and the route table's types.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/app.hpp"
#include "http/message.hpp"
#include "idledger/domain/error.hpp"
#include "idledger/domain/event_codec.hpp"

namespace idledger::api {

struct Principal {
    std::string user_id;
    std::string token_id;
    std::vector<std::string> roles;
    bool has_any_role() const { return !roles.empty(); }
    bool has_role(std::string_view r) const {
        for (const auto& x : roles)
            if (x == r) return true;
        return false;
    }
};

struct RequestContext {
    App& app;
    std::string request_id;
    std::string base_url;  // scheme://host[:port] as the client reached us
    Principal principal;
    std::vector<std::pair<std::string, std::string>> path_params;  // decoded
    std::string remote_ip;
    std::string user_agent;

    const std::string& param(std::string_view name) const;
    domain::EventMetadata metadata() const;
};

using Handler = domain::Result<HttpResponse> (*)(RequestContext&, const HttpRequest&);

/// Completes an asynchronous handler; callable once, from any thread.
using Reply = std::function<void(domain::Result<HttpResponse>)>;
/// A handler that starts work and replies later (for example when the group commit holding its
/// command is durable) without holding a thread meanwhile.
using AsyncHandler = void (*)(std::shared_ptr<RequestContext>, std::shared_ptr<const HttpRequest>,
                              Reply);

/// Operations: super administrators only, or anyone with `serve --metrics-public`. OrgRead: any
/// administrator; OrgManage: super and org administrators (org configuration: templates, trusted
/// origins, zones, ThreatInsight).
enum class Perm {
    Public,
    Authenticated,
    UsersRead,
    UsersManage,
    OrgRead,
    OrgManage,
    SuperAdmin,
    Operations
};
/// Inline: on the I/O thread (reads). Blocking: on the work pool. Query: on the low-priority
/// query pool (reads that may scan). Async: starts on the I/O thread and replies from wherever
/// its work completes.
enum class Exec { Inline, Blocking, Query, Async };

struct Route {
    std::string_view method;
    std::string_view pattern;       // "/api/v1/users/{userId}"
    std::string_view operation_id;  // Okta's operationId, also the metrics label
    std::string_view family;        // rate-limit bucket
    Perm perm;
    Exec exec;
    Handler handler;
    AsyncHandler async_handler = nullptr;  // with Exec::Async
};

/// The API's inventory (routes.cpp). Start-up asserts (method, pattern) pairs are unique.
const std::vector<Route>& route_table();

/// Whether a browser page from `origin` may call the API (routes.cpp names the resource that
/// decides: trusted origins).
bool cors_origin_allowed(App& app, const std::string& origin);

}  // namespace idledger::api
