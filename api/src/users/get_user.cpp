// GET /api/v1/users/{userId}

#include "core/json_io.hpp"
#include "users/handlers.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

namespace {

/// The cached rendering of version `version` of user `id`, when there is one.
std::optional<HttpResponse> cached(RequestContext& ctx, const std::string& id, uint64_t version) {
    auto body = ctx.app.rendered_users.find(id, version, ctx.base_url);
    if (!body) return std::nullopt;
    HttpResponse res;
    res.body = std::move(*body);
    res.add_header("ETag", user_etag(id, version));
    return res;
}

}  // namespace

R get(RequestContext& ctx, const HttpRequest& req) {
    if (const std::string* as_of = req.param("asOf"); as_of && !as_of->empty()) {
        if (!ctx.principal.may("okta.users.read"))
            return domain::fail(domain::ErrorCode::PermissionDenied);
        return get_as_of(ctx, *as_of);
    }
    const std::string ref = resolve_user_ref(ctx, ctx.param("userId"));
    const Omissions omit = requested_omissions(req);
    // By id, with its current rendering cached (the writer keeps the cache current:
    // render_cache.hpp): nothing is read from the store. A login is no key there: it goes on to
    // the row.
    if (!omit.any() && (ctx.principal.may("okta.users.read") || ref == ctx.principal.user_id)) {
        if (auto hit = ctx.app.rendered_users.find_current(ref, ctx.base_url)) {
            HttpResponse res;
            res.body = std::move(hit->body);
            res.add_header("ETag", user_etag(ref, hit->version));
            return res;
        }
    }
    auto raw = ctx.app.reader.find_user_row(ref);
    if (!raw) return std::unexpected(store_failure(raw.error()));
    if (!*raw) return domain::not_found(ctx.param("userId"), "User");
    // A caller without an admin role sees only itself; others look the same whether or not
    // they exist, so a token cannot enumerate logins.
    if (!ctx.principal.may("okta.users.read") && (*raw)->id != ctx.principal.user_id)
        return domain::not_found(ctx.param("userId"), "User");
    // An unchanged user is served from its earlier rendering, without decoding the row.
    const uint64_t version = projections::user_row_version((*raw)->bytes);
    if (omit.any()) {
        auto row = projections::decode_user_row((*raw)->bytes);
        if (!row) return domain::fail(domain::ErrorCode::InternalError, "undecodable user row");
        auto res = json_response(200, render_user(row->user, ctx.base_url, LinkSet::Full, omit));
        res.add_header("ETag", user_etag(row->user));
        return res;
    }
    if (auto res = cached(ctx, (*raw)->id, version)) return std::move(*res);
    auto row = projections::decode_user_row((*raw)->bytes);
    if (!row) return domain::fail(domain::ErrorCode::InternalError, "undecodable user row");
    return user_response(ctx, row->user);
}

}  // namespace idledger::api::users
