// A user's own subscriptions: /api/v1/users/{userId}/subscriptions[/{notificationType}
// [/subscribe|/unsubscribe]]. Only the user themselves may read or change them (the route's
// access): anyone else, a super administrator too, gets 403 E0000006. What is offered follows
// the roles the user holds.

#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "subscriptions/subscriptions.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::subscriptions {

using domain::Json;
using R = domain::Result<HttpResponse>;

namespace {

struct UserView {
    std::string user_id;
    std::vector<domain::HeldRole> roles;
    std::optional<Json> state;
    std::string base;
};

domain::Result<UserView> subject(RequestContext& ctx) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    auto roles = held_roles(ctx.app, row->user);
    if (!roles) return std::unexpected(roles.error());
    auto state = settings(ctx.app);
    if (!state) return std::unexpected(state.error());
    return UserView{row->user.id, std::move(*roles), std::move(*state),
                    "/api/v1/users/" + row->user.id};
}

/// The path's type and its status for the user; 404 when not offered to the user.
domain::Result<std::pair<std::string, std::string_view>> offered(RequestContext& ctx,
                                                                 const UserView& s) {
    const std::string type = ctx.param("notificationType");
    auto status = domain::user_status(s.state, s.user_id, s.roles, type);
    if (!status) return domain::not_found(type, "Subscription");
    return std::pair{type, *status};
}

R list(RequestContext& ctx, const HttpRequest&) {
    auto s = subject(ctx);
    if (!s) return std::unexpected(s.error());
    Json arr = Json::array();
    for (auto type : domain::notification_types())
        if (auto status = domain::user_status(s->state, s->user_id, s->roles, type))
            arr.push(render(ctx, s->base, type, *status));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto s = subject(ctx);
    if (!s) return std::unexpected(s.error());
    auto o = offered(ctx, *s);
    if (!o) return std::unexpected(o.error());
    return json_response(200, render(ctx, s->base, o->first, o->second));
}

R set(RequestContext& ctx, bool subscribe) {
    auto s = subject(ctx);
    if (!s) return std::unexpected(s.error());
    auto o = offered(ctx, *s);
    if (!o) return std::unexpected(o.error());
    return change(ctx, domain::user_owner(s->user_id), o->first, subscribe);
}

R subscribe(RequestContext& ctx, const HttpRequest&) { return set(ctx, true); }
R unsubscribe(RequestContext& ctx, const HttpRequest&) { return set(ctx, false); }

}  // namespace

std::vector<Route> user_routes() {
    using enum Exec;
    constexpr std::string_view kAll = "/api/v1/users/{userId}/subscriptions";
    constexpr std::string_view kOne = "/api/v1/users/{userId}/subscriptions/{notificationType}";
    return {
        {"GET", kAll, "Subscription_listUserSubscriptions", "subscriptions", kSelfOnly, Blocking,
         list},
        {"GET", kOne, "Subscription_getUserSubscriptionByNotificationType", "subscriptions",
         kSelfOnly, Blocking, get},
        {"POST", "/api/v1/users/{userId}/subscriptions/{notificationType}/subscribe",
         "Subscription_subscribeUserSubscriptionByNotificationType", "subscriptions", kSelfOnly,
         Blocking, subscribe},
        {"POST", "/api/v1/users/{userId}/subscriptions/{notificationType}/unsubscribe",
         "Subscription_unsubscribeUserSubscriptionByNotificationType", "subscriptions", kSelfOnly,
         Blocking, unsubscribe},
    };
}

}  // namespace idledger::api::subscriptions
