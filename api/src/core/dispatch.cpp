#include "core/dispatch.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/auth.hpp"
#include "core/json_io.hpp"
#include "notifications/notify.hpp"

namespace idledger::api {
namespace {

/// Up to 16 path segments, without allocating.
struct Segments {
    std::array<std::string_view, 16> items;
    size_t size = 0;
    bool overflow = false;
};

Segments split_path(std::string_view path) {
    Segments out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (out.size == out.items.size()) {
            out.overflow = true;
            break;
        }
        out.items[out.size++] = path.substr(i, j - i);
        i = j;
    }
    return out;
}

}  // namespace

/// A route's pattern split once at start-up.
struct CompiledRoute {
    const Route* route;
    std::vector<std::string_view> segments;  // "{name}" marks a parameter
    int literals = 0;                        // literal segments beat parameters

    bool matches(const Segments& path) const {
        if (path.overflow || path.size != segments.size()) return false;
        for (size_t i = 0; i < segments.size(); ++i)
            if (!segments[i].starts_with('{') && segments[i] != path.items[i]) return false;
        return true;
    }
    void bind(const Segments& path,
              std::vector<std::pair<std::string, std::string>>& params) const {
        for (size_t i = 0; i < segments.size(); ++i) {
            if (!segments[i].starts_with('{')) continue;
            auto decoded = percent_decode(path.items[i], false);
            params.emplace_back(std::string(segments[i].substr(1, segments[i].size() - 2)),
                                decoded.value_or(std::string(path.items[i])));
        }
    }
};

namespace {

/// Every (method, pattern) once; every route guarded by a permission names it, and a
/// self-service route has a {userId} to compare with the caller.
void check_route_table() {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& r : route_table()) {
        const std::string name = std::string(r.method) + " " + std::string(r.pattern);
        if (!seen.insert({r.method, r.pattern}).second)
            throw std::logic_error("duplicate route " + name);
        const bool needs_permission = r.access.who == Who::Permission ||
                                      r.access.who == Who::SelfOr ||
                                      r.access.who == Who::Operations;
        if (needs_permission && r.access.permission.empty())
            throw std::logic_error("route without a permission: " + name);
        const bool self = r.access.who == Who::SelfOr || r.access.who == Who::SelfOnly;
        if (self && r.pattern.find("{userId}") == std::string_view::npos)
            throw std::logic_error("self-service route without {userId}: " + name);
    }
}

std::string_view path_user(const std::vector<std::pair<std::string, std::string>>& params) {
    for (const auto& [name, value] : params)
        if (name == "userId") return value;
    return {};
}

std::string new_request_id() { return domain::random_base62(24); }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// A handler's exception as a logged 500 (the cause goes to the log with the errorId).
domain::Error handler_threw(const Route& route, const std::exception& ex) {
    return domain::Error{domain::ErrorCode::InternalError,
                         "handler " + std::string(route.operation_id) + " threw: " + ex.what(),
                         {}};
}

/// What a trusted browser origin may send and read.
constexpr std::string_view kCorsAllowedHeaders =
    "Accept, Authorization, Content-Type, If-Match, Prefer, X-Okta-User-Agent-Extended, "
    "X-Okta-Retry-For, X-Okta-Retry-Count, X-Requested-With";
constexpr std::string_view kCorsExposed =
    "Link, X-Okta-Request-Id, X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset";

/// The Date header changes once a second: format it once a second per thread.
const std::string& http_date(domain::Millis now) {
    thread_local domain::Millis second = -1;
    thread_local std::string text;
    if (now / 1000 != second) {
        second = now / 1000;
        text = domain::format_rfc1123(now);
    }
    return text;
}

}  // namespace

Dispatcher::Dispatcher(App& app) : app_(app) {
    check_route_table();
    for (const auto& r : route_table()) {
        CompiledRoute c{&r, {}, 0};
        auto segs = split_path(r.pattern);
        for (size_t i = 0; i < segs.size; ++i) {
            c.segments.push_back(segs.items[i]);
            if (!segs.items[i].starts_with('{')) ++c.literals;
        }
        routes_.push_back(std::move(c));
    }
}

Dispatcher::~Dispatcher() = default;

/// One request on its way through the stages; `finish` is the last stage (headers every response
/// carries, metrics) and runs exactly once.
struct Exchange {
    explicit Exchange(App& a) : app(a) {}
    App& app;
    std::shared_ptr<HttpRequest> req;
    std::shared_ptr<RequestContext> ctx;
    std::function<void(HttpResponse&&)> respond;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    const Route* route = nullptr;
    size_t route_index = 0;  // metrics slot: 0 = unmatched, else 1 + position in the table
    RateDecision rate{};
    bool rated = false;
    std::string cors_origin;  // the caller's Origin when it may read the response

    void finish(HttpResponse&& res) {
        res.add_header("X-Okta-Request-Id", ctx->request_id);
        // Responses may carry secrets (temporary passwords, API token values, activation and
        // reset links): no cache anywhere may keep any of them.
        // A handler may say otherwise for public, secret-free answers (discovery, keys).
        const bool cache_set =
            std::any_of(res.headers.begin(), res.headers.end(),
                        [](const Header& h) { return h.name == "Cache-Control"; });
        if (!cache_set) {
            res.add_header("Cache-Control", "no-cache, no-store");
            res.add_header("Pragma", "no-cache");
        }
        res.add_header("Date", http_date(app.clock.now_ms()));
        // The log position this answer reflects (at least): a client may send it back as
        // X-Idledger-Min-Position to any node to read what it has seen.
        if (std::none_of(res.headers.begin(), res.headers.end(),
                         [](const Header& h) { return h.name == "X-Idledger-Position"; }))
            res.add_header("X-Idledger-Position", std::to_string(app.store.head()));
        if (rated) {
            res.add_header("X-Rate-Limit-Limit", std::to_string(rate.limit));
            res.add_header("X-Rate-Limit-Remaining", std::to_string(rate.remaining));
            res.add_header("X-Rate-Limit-Reset", std::to_string(rate.reset_epoch_s));
        }
        if (req->header("origin")) res.add_header("Vary", "Origin");
        if (!cors_origin.empty()) {
            res.add_header("Access-Control-Allow-Origin", cors_origin);
            res.add_header("Access-Control-Allow-Credentials", "true");
            res.add_header("Access-Control-Expose-Headers", std::string(kCorsExposed));
        }
        double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        app.metrics.observe(route_index, res.status, secs);
        respond(std::move(res));
    }

    /// Requests refused before a token is known count against their client address, so that
    /// every response carries rate-limit headers and a flood of bad requests is limited too.
    void fail(const domain::Error& e) {
        if (!rated) {
            rate = app.limiter.check("other", "ip:" + req->remote_ip, app.clock.now_ms());
            rated = true;
        }
        finish(error_response(e));
    }

    void record_refusal(Refusal kind, const std::string& reason, domain::ErrorCode code) {
        const auto& entry = domain::catalogue(code);
        app.security_log.record(kind, reason, entry.http_status, std::string(entry.okta_code),
                                req->remote_ip, ctx->user_agent, ctx->request_id,
                                ctx->principal.user_id, ctx->principal.token_id);
    }
};

std::string forwarded_for(const App& app, const std::string& client_ip) {
    return client_ip + " " + domain::derived_token(app.link_key, "forwarded-for:" + client_ip);
}

std::optional<std::string> forwarded_client(const App& app, const std::string& header) {
    const auto space = header.find(' ');
    if (space == std::string::npos || app.link_key.empty()) return std::nullopt;
    std::string ip = header.substr(0, space);
    if (forwarded_for(app, ip) != header) return std::nullopt;
    return ip;
}

void Dispatcher::handle(HttpRequest&& req_in, std::function<void(HttpResponse&&)> respond) {
    // Stage 1, request id: every response names its request.
    auto x = std::make_shared<Exchange>(app_);
    x->req = std::make_shared<HttpRequest>(std::move(req_in));
    x->respond = std::move(respond);
    if (const std::string* fwd = x->req->header(kForwardedForHeader))
        if (auto client = forwarded_client(app_, *fwd)) x->req->remote_ip = std::move(*client);
    x->ctx = std::make_shared<RequestContext>(
        RequestContext{app_, new_request_id(), {}, {}, {}, x->req->remote_ip, {}});
    x->ctx->base_url = base_url_for(app_.config, x->req->header("host"));
    if (const std::string* ua = x->req->header("user-agent")) x->ctx->user_agent = *ua;
    if (stage_limits(*x) || stage_cors(*x) || stage_route(*x) || stage_auth(*x) ||
        stage_rate_limit(*x) || stage_permission(*x) || stage_request_shape(*x))
        return;
    stage_handler(x);
}

bool Dispatcher::stage_limits(Exchange& x) {
    // What the transport could not parse (bodies over the limit are answered once routed).
    const int status = x.req->transport_error;
    if (!status) return false;
    HttpResponse res =
        error_response(domain::Error{domain::ErrorCode::InvalidRequest,
                                     status == 414   ? "the request line is too long"
                                     : status == 431 ? "the request headers are too large"
                                     : status == 505 ? "the HTTP version is not supported"
                                                     : "the HTTP request is malformed",
                                     {}});
    res.status = status;
    x.finish(std::move(res));
    return true;
}

bool Dispatcher::stage_cors(Exchange& x) {
    // Browsers name the page's origin; only ACTIVE trusted origins with the CORS scope may read
    // responses. Every other origin gets no CORS header, so the browser itself blocks the call.
    const std::string* origin = x.req->header("origin");
    if (!origin || origin->empty()) return false;
    const bool allowed = cors_origin_allowed(app_, *origin);
    if (allowed) x.cors_origin = *origin;
    const std::string* asked = x.req->header("access-control-request-method");
    if (x.req->method != "OPTIONS" || !asked) return false;
    // A preflight: no credentials, no route; answered here.
    if (!allowed) {
        x.fail(domain::Error{
            domain::ErrorCode::PermissionDenied,
            {},
            {{"Origin " + *origin + " is not a trusted origin with the CORS scope"}}});
        return true;
    }
    HttpResponse res;
    res.status = 200;
    res.json = false;
    res.add_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
    res.add_header("Access-Control-Allow-Headers", std::string(kCorsAllowedHeaders));
    res.add_header("Access-Control-Max-Age", "3600");
    x.rate = app_.limiter.check("other", "ip:" + x.req->remote_ip, app_.clock.now_ms());
    x.rated = true;
    x.finish(std::move(res));
    return true;
}

bool Dispatcher::stage_route(Exchange& x) {
    // HEAD is answered by the GET route of the same path (the transport drops the body).
    const std::string_view method =
        x.req->method == "HEAD" ? "GET" : std::string_view(x.req->method);
    auto segs = split_path(x.req->path);
    const CompiledRoute* best = nullptr;
    bool path_exists = false;
    for (const auto& c : routes_) {
        if (!c.matches(segs)) continue;
        path_exists = true;
        if (c.route->method == method && (!best || c.literals > best->literals)) best = &c;
    }
    if (!best) {
        x.fail(domain::Error{
            path_exists ? domain::ErrorCode::MethodNotAllowed : domain::ErrorCode::PathNotFound,
            {},
            {}});
        return true;
    }
    x.route = best->route;
    x.route_index = size_t(x.route - route_table().data()) + 1;
    best->bind(segs, x.ctx->path_params);
    if (x.req->body_too_large) {
        x.fail(domain::Error{domain::ErrorCode::PayloadTooLarge,
                             "request body",
                             {{"body: The request body exceeds the size limit"}}});
        return true;
    }
    return false;
}

bool Dispatcher::open_route(const Route& r) const {
    return r.access.who == Who::Public ||
           (r.access.who == Who::Operations && app_.config.metrics_public);
}

bool Dispatcher::stage_auth(Exchange& x) {
    if (open_route(*x.route)) return false;
    auto principal = authenticate(app_, *x.req, x.ctx->base_url);
    if (!principal) {
        if (principal.error().code != domain::ErrorCode::InternalError)
            x.record_refusal(Refusal::Authentication,
                             principal.error().code == domain::ErrorCode::InvalidSession
                                 ? "NO_CREDENTIALS"
                                 : "INVALID_TOKEN",
                             principal.error().code);
        x.fail(principal.error());
        return true;
    }
    x.ctx->principal = std::move(*principal);
    return false;
}

bool Dispatcher::stage_rate_limit(Exchange& x) {
    // Public routes are limited per client address, except the operators' probes.
    const bool per_address = x.route->access.who == Who::Public && x.route->family != "other";
    if (open_route(*x.route) && !per_address) return false;
    x.rate = app_.limiter.check(x.route->family,
                                per_address ? "ip:" + x.ctx->remote_ip : x.ctx->principal.token_id,
                                app_.clock.now_ms());
    x.rated = true;
    if (x.rate.allowed) return false;
    x.record_refusal(Refusal::RateLimit, "RATE_LIMIT:" + std::string(x.route->family),
                     domain::ErrorCode::RateLimited);
    if (!per_address)
        notifications::report_rate_limit(app_, x.ctx->principal.token_id, x.route->family,
                                         x.rate.reset_epoch_s);
    x.finish(error_response(domain::Error{domain::ErrorCode::RateLimited, {}, {}}));
    return true;
}

bool Dispatcher::stage_permission(Exchange& x) {
    if (open_route(*x.route) ||
        permitted(x.ctx->principal, x.route->access, path_user(x.ctx->path_params)))
        return false;
    x.record_refusal(Refusal::Authorization,
                     "PERMISSION_DENIED:" + std::string(x.route->operation_id),
                     domain::ErrorCode::PermissionDenied);
    x.fail(domain::Error{domain::ErrorCode::PermissionDenied, {}, {}});
    return true;
}

bool Dispatcher::stage_request_shape(Exchange& x) {
    if (app_.config.read_only && !app_.replica && x.req->method != "GET" &&
        x.req->method != "HEAD") {
        x.fail(domain::Error{domain::ErrorCode::PermissionDenied,
                             {},
                             {{"This server serves a point-in-time copy and accepts no changes"}}});
        return true;
    }
    if (!x.req->body.empty() && !x.route->form_body &&
        !is_json_media_type(x.req->header("content-type"))) {
        x.fail(domain::Error{domain::ErrorCode::UnsupportedMediaType, {}, {}});
        return true;
    }
    return false;
}

bool Dispatcher::stage_position(const std::shared_ptr<Exchange>& x) {
    const bool write = x->req->method != "GET" && x->req->method != "HEAD";
    if (app_.replica && write) {
        // A replica's write: the primary decides it; the answer waits for this replica to fold it.
        app_.pool.post([x, replica = app_.replica] { x->finish(replica->forward(*x->req)); });
        return true;
    }
    const std::string* wanted = x->req->header("x-idledger-min-position");
    if (!wanted || write) return false;
    uint64_t position = 0;
    auto [p, e] = std::from_chars(wanted->data(), wanted->data() + wanted->size(), position);
    if (e != std::errc() || p != wanted->data() + wanted->size()) {
        x->fail(domain::Error{domain::ErrorCode::ValidationFailed,
                              {},
                              {{"X-Idledger-Min-Position: a log position (digits)"}}});
        return true;
    }
    if (app_.store.head() >= position) return false;
    // Behind the position the client has seen: wait (bounded) on a pool thread, then read.
    app_.pool.post([this, x, position] {
        const auto deadline = std::chrono::steady_clock::now() + app_.config.position_wait;
        if (app_.store.wait_for(position, deadline) < position) {
            x->fail(domain::Error{
                domain::ErrorCode::Unavailable,
                {},
                {{"this node has not reached log position " + std::to_string(position) + " yet"}}});
            return;
        }
        run_handler(x);
    });
    return true;
}

void Dispatcher::stage_handler(const std::shared_ptr<Exchange>& x) {
    if (stage_position(x)) return;
    run_handler(x);
}

void Dispatcher::run_handler(const std::shared_ptr<Exchange>& x) {
    const Route* route = x->route;
    auto run = [x, route]() {
        HttpResponse res;
        try {
            auto r = route->handler(*x->ctx, *x->req);
            res = r ? std::move(*r) : error_response(r.error());
        } catch (const std::exception& ex) {
            res = error_response(handler_threw(*route, ex));
        }
        x->finish(std::move(res));
    };
    if (route->exec == Exec::Async) {
        Reply reply = [x](domain::Result<HttpResponse> r) {
            x->finish(r ? std::move(*r) : error_response(r.error()));
        };
        try {
            route->async_handler(x->ctx, x->req, std::move(reply));
        } catch (const std::exception& ex) {
            x->finish(error_response(handler_threw(*route, ex)));
        }
    } else if (route->exec == Exec::Inline) {
        run();
    } else if (route->exec == Exec::Query) {
        app_.query_pool.post(std::move(run));
    } else {
        app_.pool.post(std::move(run));
    }
}

bool is_json_media_type(const std::string* content_type) {
    if (!content_type) return false;
    std::string_view v(*content_type);
    v = v.substr(0, v.find(';'));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    return iequals(v, "application/json");
}

std::string base_url_for(const AppConfig& config, const std::string* host) {
    if (host)
        for (const auto& allowed : config.allowed_hosts)
            if (iequals(*host, allowed)) {
                const auto scheme_end = config.public_url.find("://");
                const std::string scheme = scheme_end == std::string::npos
                                               ? std::string("http")
                                               : config.public_url.substr(0, scheme_end);
                return scheme + "://" + allowed;
            }
    return config.public_url;
}

const std::string& RequestContext::param(std::string_view name) const {
    static const std::string kEmpty;
    for (const auto& [k, v] : path_params)
        if (k == name) return v;
    return kEmpty;
}

domain::EventMetadata RequestContext::metadata() const {
    domain::EventMetadata m;
    m.actor_id = principal.user_id;
    m.request_id = request_id;
    m.token_id = principal.token_id;
    m.ip = remote_ip;
    m.user_agent = user_agent;
    return m;
}

}  // namespace idledger::api
