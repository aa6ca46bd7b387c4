#include "core/dispatch.hpp"

#include <array>
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
    {
        const std::string* host = req->header("host");
        const std::string* proto = req->header("x-forwarded-proto");
        ctx->base_url = (proto && *proto == "https" ? "https://" : "http://") +
                        (host ? *host : std::string("127.0.0.1"));
        if (const std::string* ua = req->header("user-agent")) ctx->user_agent = *ua;
    }
    size_t route_index = 0;  // metrics slot: 0 = unmatched, else 1 + position in the table
    RateDecision rate{};
    bool rated = false;

    auto finish = [this, ctx, started, respond = std::move(respond)](
                      HttpResponse&& res, size_t label, const RateDecision& rd,
                      bool has_rate) mutable {
        res.add_header("X-Okta-Request-Id", ctx->request_id);
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

    // Route.
    auto segs = split_path(req->path);
    const CompiledRoute* best = nullptr;
    bool path_exists = false;
    for (const auto& c : routes_) {
        if (!c.matches(segs)) continue;
        path_exists = true;
        if (c.route->method == req->method && (!best || c.literals > best->literals)) best = &c;
    }
    if (!best) {
        if (!path_exists) return fail_now(domain::Error{domain::ErrorCode::PathNotFound, {}, {}});
        return fail_now(domain::Error{domain::ErrorCode::MethodNotAllowed, {}, {}});
    }
    const Route* route = best->route;
    route_index = size_t(route - route_table().data()) + 1;
    best->bind(segs, ctx->path_params);

    if (req->header("x-idledger-body-too-large"))
        return fail_now(domain::Error{domain::ErrorCode::PayloadTooLarge,
                                      "request body",
                                      {{"body: The request body exceeds the size limit"}}});

    auto refused = [&](Refusal kind, const std::string& reason, domain::ErrorCode code) {
        const auto& entry = domain::catalogue(code);
        app_.security_log.record(kind, reason, entry.http_status, std::string(entry.okta_code),
                                 req->remote_ip, ctx->user_agent, ctx->request_id,
                                 ctx->principal.user_id, ctx->principal.token_id);
    };
    if (route->perm != Perm::Public) {
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
    if (const std::string* ct = req->header("content-type");
        ct && !req->body.empty() && ct->find("json") == std::string::npos)
        return fail_now(domain::Error{domain::ErrorCode::UnsupportedMediaType, {}, {}});

    auto run = [ctx, req, route, route_index, rate, rated, finish]() mutable {
        HttpResponse res;
        try {
            auto r = route->handler(*ctx, *req);
            res = r ? std::move(*r) : error_response(r.error());
        } catch (const std::exception& ex) {
            std::cerr << "handler " << route->operation_id << " failed: " << ex.what() << "\n";
            res = error_response(domain::Error{domain::ErrorCode::InternalError, {}, {}});
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
            std::cerr << "handler " << route->operation_id << " failed: " << ex.what() << "\n";
            finish(error_response(domain::Error{domain::ErrorCode::InternalError, {}, {}}),
                   route_index, rate, rated);
        }
    } else if (route->exec == Exec::Inline) {
        run();
    } else {
        app_.pool.post(std::move(run));
    }
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
