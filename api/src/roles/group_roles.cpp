// A group's role assignments: /api/v1/groups/{groupId}/roles[/{roleAssignmentId}]. They live on
// the group's stream; every member holds them for as long as it is a member.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/ids.hpp"
#include "roles/roles.hpp"

namespace idledger::api::roles {

using domain::Json;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

R list(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, domain::kGroups, ctx.param("groupId"));
    if (!d) return std::unexpected(d.error());
    Json arr = Json::array();
    for (const auto& a : domain::group_roles(d->state))
        arr.push(render_assignment(ctx, a, "GROUP", d->id));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, domain::kGroups, ctx.param("groupId"));
    if (!d) return std::unexpected(d.error());
    auto a = find_assignment(domain::group_roles(d->state), ctx.param("roleAssignmentId"));
    if (!a) return std::unexpected(a.error());
    return json_response(200, render_assignment(ctx, *a, "GROUP", d->id));
}

R assign(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string id = ctx.app.ids.next(domain::id_prefix::kRoleAssignment);
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, domain::kGroups, ctx.param("groupId"),
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            // Everyone holds every user: a role on it would make every user an administrator.
            if (current.state.string_at("type") == "BUILT_IN")
                return domain::fail(domain::ErrorCode::PermissionDenied, {},
                                    {{"The built-in group Everyone cannot hold admin roles"}});
            auto checked = checked_request(tx, *body, domain::group_roles(current.state));
            if (!checked) return std::unexpected(checked.error());
            return std::vector{domain::make_event(domain::role_event::kGroupGranted,
                                                  domain::grant_data(id, *checked, actor))};
        });
    if (!d) return std::unexpected(d.error());
    auto a = find_assignment(domain::group_roles(d->state), id);
    if (!a) return std::unexpected(a.error());
    return json_response(201, render_assignment(ctx, *a, "GROUP", d->id));
}

R unassign(RequestContext& ctx, const HttpRequest&) {
    const std::string id = ctx.param("roleAssignmentId");
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, domain::kGroups, ctx.param("groupId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            auto a = find_assignment(domain::group_roles(current.state), id);
            if (!a) return std::unexpected(a.error());
            return std::vector{domain::make_event(domain::role_event::kGroupRevoked,
                                                  domain::revoke_data(*a, actor))};
        });
    if (!d) return std::unexpected(d.error());
    return empty_response(204);
}

}  // namespace

std::vector<Route> group_role_routes() {
    using enum Exec;
    constexpr std::string_view kAll = "/api/v1/groups/{groupId}/roles";
    constexpr std::string_view kOne = "/api/v1/groups/{groupId}/roles/{roleAssignmentId}";
    return {
        {"GET", kAll, "RoleAssignment_listGroupAssignedRoles", "roles", need("okta.roles.read"),
         Blocking, list},
        {"POST", kAll, "RoleAssignment_assignRoleToGroup", "roles", need("okta.roles.manage"),
         Blocking, assign},
        {"GET", kOne, "RoleAssignment_getGroupAssignedRole", "roles", need("okta.roles.read"),
         Blocking, get},
        {"DELETE", kOne, "RoleAssignment_unassignRoleFromGroup", "roles", need("okta.roles.manage"),
         Blocking, unassign},
    };
}

}  // namespace idledger::api::roles
