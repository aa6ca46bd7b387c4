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
    std::vector<std::string> roles;   // role types held, directly or through groups
    std::vector<std::string> grants;  // the permissions they give ("*": everything)
    /// An OAuth access token (Authorization: Bearer) acts as its user within its okta.* scopes:
    /// a permission must be both granted and in scope.
    bool bearer = false;
    std::vector<std::string> scopes = {};
    bool has_any_role() const { return !roles.empty(); }
    bool has_role(std::string_view r) const {
        for (const auto& x : roles)
            if (x == r) return true;
        return false;
    }
    /// Whether the grants include `permission`.
    bool may(std::string_view permission) const;
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

/// Who may call a route (its row in the permission table, README "Authorization"):
/// Public: anyone, no token. Anyone: any valid token (the handler narrows: API tokens).
/// Permission: holders of `permission` (Okta's names: "okta.users.read"). SelfOr: those, or the
/// user the path's {userId} names (self-service). SelfOnly: only that user, whatever their roles
/// (a user's own subscriptions). Operations: holders of `permission`, or anyone when the server
/// runs with `--metrics-public`.
enum class Who { Public, Anyone, Permission, SelfOr, SelfOnly, Operations };
struct Access {
    Who who;
    std::string_view permission = {};
};
inline constexpr Access kPublic{Who::Public};
inline constexpr Access kAnyone{Who::Anyone};
inline constexpr Access kSelfOnly{Who::SelfOnly};
inline constexpr Access kOperations{Who::Operations, "idledger.operations"};
constexpr Access need(std::string_view permission) { return {Who::Permission, permission}; }
constexpr Access self_or(std::string_view permission) { return {Who::SelfOr, permission}; }

/// Inline: on the I/O thread (reads). Blocking: on the work pool. Query: on the low-priority
/// query pool (reads that may scan). Async: starts on the I/O thread and replies from wherever
/// its work completes.
enum class Exec { Inline, Blocking, Query, Async };

struct Route {
    std::string_view method;
    std::string_view pattern;       // "/api/v1/users/{userId}"
    std::string_view operation_id;  // Okta's operationId, also the metrics label
    std::string_view family;        // rate-limit bucket
    Access access;
    Exec exec;
    Handler handler;
    AsyncHandler async_handler = nullptr;  // with Exec::Async
    /// Its body is a form (application/x-www-form-urlencoded: OAuth's endpoints), not JSON.
    bool form_body = false;
};

/// The API's inventory (routes.cpp). Start-up asserts (method, pattern) pairs are unique.
const std::vector<Route>& route_table();

/// Whether a browser page from `origin` may call the API (routes.cpp names the resource that
/// decides: trusted origins).
bool cors_origin_allowed(App& app, const std::string& origin);

}  // namespace idledger::api
