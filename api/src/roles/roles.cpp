// What role assignments of users and groups share: their JSON, lookups and checks.

#include "roles/roles.hpp"

#include <algorithm>

#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api::roles {

using domain::Json;
namespace pj = projections;

std::vector<Route> routes() {
    std::vector<Route> out;
    for (auto&& part : {user_role_routes(), group_role_routes(), custom_role_routes()})
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

Json render_assignment(RequestContext& ctx, const domain::RoleAssignment& a,
                       std::string_view assignee_kind, const std::string& assignee) {
    Json j = Json::object();
    j.set("id", a.id);
    std::string label(domain::role_label(a.type).value_or(""));
    if (a.type == "CUSTOM") {
        auto role = ctx.app.documents.get(domain::kCustomRoles, a.role);
        if (role && *role) label = (*role)->state.string_at("label");
    }
    j.set("label", label);
    j.set("type", a.type);
    j.set("status", "ACTIVE");
    j.set("created", domain::format_iso8601(a.created));
    j.set("lastUpdated", domain::format_iso8601(a.last_updated));
    j.set("assignmentType", std::string(assignee_kind));
    const std::string assignee_href =
        ctx.base_url + (assignee_kind == "GROUP" ? "/api/v1/groups/" : "/api/v1/users/") + assignee;
    Json links = Json::object();
    links.set("assignee", hal_link(assignee_href));
    if (a.type == "CUSTOM") {
        j.set("role", a.role);
        if (!a.resource_set.empty()) j.set("resource-set", a.resource_set);
        const std::string role_href = ctx.base_url + "/api/v1/iam/roles/" + a.role;
        links.set("role", hal_link(role_href));
        links.set("permissions", hal_link(role_href + "/permissions"));
        if (!a.resource_set.empty())
            links.set("resource-set",
                      hal_link(ctx.base_url + "/api/v1/iam/resource-sets/" + a.resource_set));
        links.set("member", hal_link(assignee_href));
    }
    j.set("_links", std::move(links));
    return j;
}

domain::Result<domain::RoleAssignment> find_assignment(
    const std::vector<domain::RoleAssignment>& held, const std::string& id) {
    for (const auto& a : held)
        if (a.id == id) return a;
    return domain::not_found(id, "RoleAssignment");
}

domain::Result<domain::RoleRequest> checked_request(
    eventstore::Transaction& tx, const Json& body,
    const std::vector<domain::RoleAssignment>& held) {
    auto req = domain::parse_role_request(body);
    if (!req) return req;
    if (req->type == "CUSTOM") {
        auto role = pj::load_document(tx, domain::kCustomRoles, req->role);
        if (!role) return std::unexpected(store_failure(role.error()));
        if (!*role) return domain::not_found(req->role, domain::kCustomRoles.name);
    }
    if (domain::holds_assignment(held, *req))
        return domain::fail(domain::ErrorCode::RoleAlreadyAssigned);
    return req;
}

domain::Result<std::vector<HeldAssignment>> held_assignments(App& app, const domain::User& user) {
    std::vector<HeldAssignment> out;
    for (const auto& a : user.roles) out.push_back({a, {}});
    auto groups = app.documents.grouped(domain::kGroups, "holds", "roles");
    if (!groups) return std::unexpected(store_failure(groups.error()));
    for (const auto& gid : *groups) {
        auto member = app.documents.related(domain::kGroupMembers, gid, user.id);
        if (!member) return std::unexpected(store_failure(member.error()));
        if (!*member) continue;
        auto group = app.documents.get(domain::kGroups, gid);
        if (!group) return std::unexpected(store_failure(group.error()));
        if (!*group) continue;
        for (auto& a : domain::group_roles((*group)->state)) out.push_back({std::move(a), gid});
    }
    return out;
}

domain::Result<std::vector<std::string>> admins(App& app, eventstore::Transaction& tx) {
    auto direct = pj::role_holders(tx);
    if (!direct) return std::unexpected(store_failure(direct.error()));
    std::vector<std::string> out = std::move(*direct);
    auto groups = pj::group_members(tx, domain::kGroups, "holds", "roles");
    if (!groups) return std::unexpected(store_failure(groups.error()));
    for (const auto& gid : *groups) {
        // Committed members: a group's membership is not read through the transaction.
        auto r = app.documents.related_ids(
            domain::kGroupMembers, true, gid, 0, [&](uint64_t, std::string_view m) {
                if (std::find(out.begin(), out.end(), m) == out.end()) out.emplace_back(m);
                return true;
            });
        if (!r) return std::unexpected(store_failure(r.error()));
    }
    return out;
}

}  // namespace idledger::api::roles
