// A user's role assignments: /api/v1/users/{userId}/roles[/{roleAssignmentId}]. They live on the
// user's stream (its history shows them); the last acting SUPER_ADMIN cannot lose the role.

#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/ids.hpp"
#include "roles/roles.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::roles {

using domain::Json;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

R list(RequestContext& ctx, const HttpRequest&) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    auto held = held_assignments(ctx.app, row->user);
    if (!held) return std::unexpected(held.error());
    Json arr = Json::array();
    for (const auto& [a, group] : *held)
        arr.push(group.empty() ? render_assignment(ctx, a, "USER", row->user.id)
                               : render_assignment(ctx, a, "GROUP", group));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    auto a = find_assignment(row->user.roles, ctx.param("roleAssignmentId"));
    if (!a) return std::unexpected(a.error());
    return json_response(200, render_assignment(ctx, *a, "USER", row->user.id));
}

R assign(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string uid = resolve_user_ref(ctx, ctx.param("userId"));
    const std::string id = ctx.app.ids.next(domain::id_prefix::kRoleAssignment);
    const std::string actor = ctx.principal.user_id;
    auto done = run_user_command(
        ctx, uid, Subject::Existing,
        [&](const std::optional<pj::UserRow>& row,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto checked = checked_request(tx, *body, row->user.roles);
            if (!checked) return std::unexpected(checked.error());
            return std::vector{domain::make_event(domain::role_event::kUserGranted,
                                                  domain::grant_data(id, *checked, actor))};
        });
    if (!done) return std::unexpected(done.error());
    auto a = find_assignment(done->row->user.roles, id);
    if (!a) return std::unexpected(a.error());
    return json_response(201, render_assignment(ctx, *a, "USER", done->row->user.id));
}

R unassign(RequestContext& ctx, const HttpRequest&) {
    const std::string uid = resolve_user_ref(ctx, ctx.param("userId"));
    const std::string id = ctx.param("roleAssignmentId");
    const std::string actor = ctx.principal.user_id;
    auto done = run_user_command(
        ctx, uid, Subject::Existing,
        [&](const std::optional<pj::UserRow>& row,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            auto a = find_assignment(row->user.roles, id);
            if (!a) return std::unexpected(a.error());
            return std::vector{domain::make_event(domain::role_event::kUserRevoked,
                                                  domain::revoke_data(*a, actor))};
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

std::vector<Route> user_role_routes() {
    using enum Exec;
    constexpr std::string_view kAll = "/api/v1/users/{userId}/roles";
    constexpr std::string_view kOne = "/api/v1/users/{userId}/roles/{roleAssignmentId}";
    return {
        {"GET", kAll, "RoleAssignment_listAssignedRolesForUser", "roles", need("okta.roles.read"),
         Blocking, list},
        {"POST", kAll, "RoleAssignment_assignRoleToUser", "roles", need("okta.roles.manage"),
         Blocking, assign},
        {"GET", kOne, "RoleAssignment_getUserAssignedRole", "roles", need("okta.roles.read"),
         Blocking, get},
        {"DELETE", kOne, "RoleAssignment_unassignRoleFromUser", "roles", need("okta.roles.manage"),
         Blocking, unassign},
    };
}

}  // namespace idledger::api::roles
