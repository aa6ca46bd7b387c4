#include "core/dispatch.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/auth.hpp"
#include "core/json_io.hpp"

namespace idledger::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool match(std::string_view pattern, const std::vector<std::string_view>& segs,
           std::vector<std::pair<std::string, std::string>>* params) {
    auto pat = split_path(pattern);
    if (pat.size() != segs.size()) return false;
    for (size_t i = 0; i < pat.size(); ++i) {
        if (pat[i].starts_with('{')) {
            if (params) {
                auto decoded = percent_decode(segs[i], false);
                params->emplace_back(std::string(pat[i].substr(1, pat[i].size() - 2)),
                                     decoded.value_or(std::string(segs[i])));
            }
        } else if (pat[i] != segs[i]) {
            return false;
        }
    }
    return true;
}

/// Literal segments beat parameters: /users/me/... style paths resolve to the literal route.
int specificity(std::string_view pattern) {
    int n = 0;
    for (auto s : split_path(pattern))
        if (!s.starts_with('{')) ++n;
    return n;
}

void check_unique_routes() {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& r : route_table())
        if (!seen.insert({r.method, r.pattern}).second)
            throw std::logic_error("duplicate route " + std::string(r.method) + " " +
                                   std::string(r.pattern));
}

std::string new_request_id() { return domain::random_base62(24); }

}  // namespace

Dispatcher::Dispatcher(App& app) : app_(app) { check_unique_routes(); }

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
    std::string route_label = "unmatched";
    RateDecision rate{};
    bool rated = false;

    auto finish = [this, ctx, started, respond = std::move(respond)](
                      HttpResponse&& res, const std::string& label, const RateDecision& rd,
                      bool has_rate) mutable {
        res.add_header("X-Okta-Request-Id", ctx->request_id);
        res.add_header("Date", domain::format_rfc1123(app_.clock.now_ms()));
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

    auto fail_now = [&](const domain::Error& e) {
        finish(error_response(e), route_label, rate, rated);
    };

    // Route.
    auto segs = split_path(req->path);
    const Route* route = nullptr;
    std::vector<std::string_view> allowed;
    for (const auto& r : route_table()) {
        if (!match(r.pattern, segs, nullptr)) continue;
        if (r.method == req->method) {
            if (!route || specificity(r.pattern) > specificity(route->pattern)) route = &r;
        } else {
            allowed.push_back(r.method);
        }
    }
    if (!route) {
        if (allowed.empty())
            return fail_now(domain::Error{domain::ErrorCode::PathNotFound, {}, {}});
        return fail_now(domain::Error{domain::ErrorCode::MethodNotAllowed, {}, {}});
    }
    route_label = std::string(route->operation_id);
    match(route->pattern, segs, &ctx->path_params);

    if (req->header("x-idledger-body-too-large"))
        return fail_now(domain::Error{domain::ErrorCode::PayloadTooLarge,
                                      "request body",
                                      {{"body: The request body exceeds the size limit"}}});

    if (route->perm != Perm::Public) {
        auto principal = authenticate(app_, *req);
        if (!principal) return fail_now(principal.error());
        ctx->principal = std::move(*principal);
        rate = app_.limiter.check(route->family, ctx->principal.token_id, app_.clock.now_ms());
        rated = true;
        if (!rate.allowed) {
            HttpResponse res =
                error_response(domain::Error{domain::ErrorCode::RateLimited, {}, {}});
            return finish(std::move(res), route_label, rate, rated);
        }
        if (!permitted(ctx->principal, route->perm))
            return fail_now(domain::Error{domain::ErrorCode::PermissionDenied, {}, {}});
    }
    if (const std::string* ct = req->header("content-type");
        ct && !req->body.empty() && ct->find("json") == std::string::npos)
        return fail_now(domain::Error{domain::ErrorCode::UnsupportedMediaType, {}, {}});

    auto run = [ctx, req, route, route_label, rate, rated, finish]() mutable {
        HttpResponse res;
        try {
            auto r = route->handler(*ctx, *req);
            res = r ? std::move(*r) : error_response(r.error());
        } catch (const std::exception& ex) {
            std::cerr << "handler " << route_label << " failed: " << ex.what() << "\n";
            res = error_response(domain::Error{domain::ErrorCode::InternalError, {}, {}});
        }
        finish(std::move(res), route_label, rate, rated);
    };
    if (route->exec == Exec::Inline) {
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
