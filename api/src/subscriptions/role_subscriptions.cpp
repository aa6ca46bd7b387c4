// A role's subscriptions: /api/v1/roles/{roleTypeOrRoleId}/subscriptions[/{notificationType}
// [/subscribe|/unsubscribe]], for a standard role type or a custom role's id.

#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/roles.hpp"
#include "subscriptions/subscriptions.hpp"

namespace idledger::api::subscriptions {

using domain::Json;
using R = domain::Result<HttpResponse>;

namespace {

/// The role the path names: its owner key and the type whose offer it gets.
struct NamedRole {
    std::string owner;
    std::string type;  // a standard type, or CUSTOM
    std::string base;  // its subscriptions' path
};

domain::Result<NamedRole> named_role(RequestContext& ctx) {
    const std::string name = ctx.param("roleTypeOrRoleId");
    const std::string base = "/api/v1/roles/" + name;
    const std::string_view type = domain::canonical_role_type(name);
    if (domain::role_label(type))
        return NamedRole{domain::role_owner(type), std::string(type), base};
    auto custom = ctx.app.documents.get(domain::kCustomRoles, name);
    if (!custom) return std::unexpected(store_failure(custom.error()));
    if (*custom) return NamedRole{domain::role_owner(name), "CUSTOM", base};
    return domain::not_found(name, domain::kCustomRoles.name);
}

/// The path's notification type, offered to `role`; 404 otherwise.
domain::Result<std::string> offered_type(RequestContext& ctx, const NamedRole& role) {
    const std::string type = ctx.param("notificationType");
    if (!domain::role_sees(role.type, type)) return domain::not_found(type, "Subscription");
    return type;
}

R list(RequestContext& ctx, const HttpRequest&) {
    auto role = named_role(ctx);
    if (!role) return std::unexpected(role.error());
    auto state = settings(ctx.app);
    if (!state) return std::unexpected(state.error());
    Json arr = Json::array();
    for (auto type : domain::notification_types())
        if (domain::role_sees(role->type, type))
            arr.push(
                render(ctx, role->base, type, domain::owner_status(*state, role->owner, type)));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto role = named_role(ctx);
    if (!role) return std::unexpected(role.error());
    auto type = offered_type(ctx, *role);
    if (!type) return std::unexpected(type.error());
    auto state = settings(ctx.app);
    if (!state) return std::unexpected(state.error());
    return json_response(
        200, render(ctx, role->base, *type, domain::owner_status(*state, role->owner, *type)));
}

R set(RequestContext& ctx, bool subscribe) {
    auto role = named_role(ctx);
    if (!role) return std::unexpected(role.error());
    auto type = offered_type(ctx, *role);
    if (!type) return std::unexpected(type.error());
    return change(ctx, role->owner, *type, subscribe);
}

R subscribe(RequestContext& ctx, const HttpRequest&) { return set(ctx, true); }
R unsubscribe(RequestContext& ctx, const HttpRequest&) { return set(ctx, false); }

}  // namespace

std::vector<Route> role_routes() {
    using enum Exec;
    constexpr std::string_view kAll = "/api/v1/roles/{roleTypeOrRoleId}/subscriptions";
    constexpr std::string_view kOne =
        "/api/v1/roles/{roleTypeOrRoleId}/subscriptions/{notificationType}";
    return {
        {"GET", kAll, "Subscription_listRoleSubscriptions", "subscriptions",
         need("okta.roles.read"), Blocking, list},
        {"GET", kOne, "Subscription_getRoleSubscriptionByNotificationType", "subscriptions",
         need("okta.roles.read"), Blocking, get},
        {"POST", "/api/v1/roles/{roleTypeOrRoleId}/subscriptions/{notificationType}/subscribe",
         "Subscription_subscribeRoleSubscriptionByNotificationType", "subscriptions",
         need("okta.roles.manage"), Blocking, subscribe},
        {"POST", "/api/v1/roles/{roleTypeOrRoleId}/subscriptions/{notificationType}/unsubscribe",
         "Subscription_unsubscribeRoleSubscriptionByNotificationType", "subscriptions",
         need("okta.roles.manage"), Blocking, unsubscribe},
    };
}

}  // namespace idledger::api::subscriptions
