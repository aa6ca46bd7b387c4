#include "core/dispatch.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/auth.hpp"
#include "core/json_io.hpp"

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

void check_unique_routes() {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& r : route_table())
        if (!seen.insert({r.method, r.pattern}).second)
            throw std::logic_error("duplicate route " + std::string(r.method) + " " +
                                   std::string(r.pattern));
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
    check_unique_routes();
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

void Dispatcher::handle(HttpRequest&& req_in, std::function<void(HttpResponse&&)> respond) {
    auto started = std::chrono::steady_clock::now();
    auto req = std::make_shared<HttpRequest>(std::move(req_in));
    auto ctx = std::make_shared<RequestContext>(
        RequestContext{app_, new_request_id(), {}, {}, {}, req->remote_ip, {}});
    ctx->base_url = base_url_for(app_.config, req->header("host"));
    if (const std::string* ua = req->header("user-agent")) ctx->user_agent = *ua;
    size_t route_index = 0;  // metrics slot: 0 = unmatched, else 1 + position in the table
    RateDecision rate{};
    bool rated = false;

    auto finish = [this, ctx, started, respond = std::move(respond)](
                      HttpResponse&& res, size_t label, const RateDecision& rd,
                      bool has_rate) mutable {
        res.add_header("X-Okta-Request-Id", ctx->request_id);
        // Responses may carry secrets (temporary passwords, API token values, activation and
        // reset links): no cache anywhere may keep any of them.
        res.add_header("Cache-Control", "no-cache, no-store");
        res.add_header("Pragma", "no-cache");
        res.add_header("Date", http_date(app_.clock.now_ms()));
        if (has_rate) {
            res.add_header("X-Rate-Limit-Limit", std::to_string(rd.limit));
            res.add_header("X-Rate-Limit-Remaining", std::to_string(rd.remaining));
            res.add_header("X-Rate-Limit-Reset", std::to_string(rd.reset_epoch_s));
        }
        double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        app_.metrics.observe(label, res.status, secs);
        respond(std::move(res));
    };

    // Requests refused before a token is known count against their client address, so that
    // every response carries rate-limit headers and a flood of bad requests is limited too.
    auto fail_now = [&](const domain::Error& e) {
        if (!rated) {
            rate = app_.limiter.check("other", "ip:" + req->remote_ip, app_.clock.now_ms());
            rated = true;
        }
        finish(error_response(e), route_index, rate, rated);
    };

    // Limits: what the transport could not parse, and bodies over the limit.
    if (req->transport_error) {
        const int status = req->transport_error;
        HttpResponse res =
            error_response(domain::Error{domain::ErrorCode::InvalidRequest,
                                         status == 414   ? "the request line is too long"
                                         : status == 431 ? "the request headers are too large"
                                         : status == 505 ? "the HTTP version is not supported"
                                                         : "the HTTP request is malformed",
                                         {}});
        res.status = status;
        return finish(std::move(res), 0, rate, false);
    }

    // Route. HEAD is answered by the GET route of the same path (the transport drops the body).
    const std::string_view method = req->method == "HEAD" ? "GET" : std::string_view(req->method);
    auto segs = split_path(req->path);
    const CompiledRoute* best = nullptr;
    bool path_exists = false;
    for (const auto& c : routes_) {
        if (!c.matches(segs)) continue;
        path_exists = true;
        if (c.route->method == method && (!best || c.literals > best->literals)) best = &c;
    }
    if (!best) {
        if (!path_exists) return fail_now(domain::Error{domain::ErrorCode::PathNotFound, {}, {}});
        return fail_now(domain::Error{domain::ErrorCode::MethodNotAllowed, {}, {}});
    }
    const Route* route = best->route;
    route_index = size_t(route - route_table().data()) + 1;
    best->bind(segs, ctx->path_params);

    if (req->body_too_large)
        return fail_now(domain::Error{domain::ErrorCode::PayloadTooLarge,
                                      "request body",
                                      {{"body: The request body exceeds the size limit"}}});

    auto refused = [&](Refusal kind, const std::string& reason, domain::ErrorCode code) {
        const auto& entry = domain::catalogue(code);
        app_.security_log.record(kind, reason, entry.http_status, std::string(entry.okta_code),
                                 req->remote_ip, ctx->user_agent, ctx->request_id,
                                 ctx->principal.user_id, ctx->principal.token_id);
    };
    const bool open = route->perm == Perm::Public ||
                      (route->perm == Perm::Operations && app_.config.metrics_public);
    if (!open) {
        auto principal = authenticate(app_, *req);
        if (!principal) {
            if (principal.error().code != domain::ErrorCode::InternalError)
                refused(Refusal::Authentication,
                        principal.error().code == domain::ErrorCode::InvalidSession
                            ? "NO_CREDENTIALS"
                            : "INVALID_TOKEN",
                        principal.error().code);
            return fail_now(principal.error());
        }
        ctx->principal = std::move(*principal);
        rate = app_.limiter.check(route->family, ctx->principal.token_id, app_.clock.now_ms());
        rated = true;
        if (!rate.allowed) {
            refused(Refusal::RateLimit, "RATE_LIMIT:" + std::string(route->family),
                    domain::ErrorCode::RateLimited);
            HttpResponse res =
                error_response(domain::Error{domain::ErrorCode::RateLimited, {}, {}});
            return finish(std::move(res), route_index, rate, rated);
        }
        if (!permitted(ctx->principal, route->perm)) {
            refused(Refusal::Authorization, "PERMISSION_DENIED:" + std::string(route->operation_id),
                    domain::ErrorCode::PermissionDenied);
            return fail_now(domain::Error{domain::ErrorCode::PermissionDenied, {}, {}});
        }
    }
    if (app_.config.read_only && req->method != "GET" && req->method != "HEAD")
        return fail_now(
            domain::Error{domain::ErrorCode::PermissionDenied,
                          {},
                          {{"This server serves a point-in-time copy and accepts no changes"}}});
    if (!req->body.empty() && !is_json_media_type(req->header("content-type")))
        return fail_now(domain::Error{domain::ErrorCode::UnsupportedMediaType, {}, {}});

    auto run = [ctx, req, route, route_index, rate, rated, finish]() mutable {
        HttpResponse res;
        try {
            auto r = route->handler(*ctx, *req);
            res = r ? std::move(*r) : error_response(r.error());
        } catch (const std::exception& ex) {
            res = error_response(handler_threw(*route, ex));
        }
        finish(std::move(res), route_index, rate, rated);
    };
    if (route->exec == Exec::Async) {
        Reply reply = [route_index, rate, rated, finish](domain::Result<HttpResponse> r) mutable {
            finish(r ? std::move(*r) : error_response(r.error()), route_index, rate, rated);
        };
        try {
            route->async_handler(ctx, req, std::move(reply));
        } catch (const std::exception& ex) {
            finish(error_response(handler_threw(*route, ex)), route_index, rate, rated);
        }
    } else if (route->exec == Exec::Inline) {
        run();
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
