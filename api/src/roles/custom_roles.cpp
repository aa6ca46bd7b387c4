// Custom roles: /api/v1/iam/roles (create, list, get, replace, delete) and their permissions
// (/api/v1/iam/roles/{roleIdOrLabel}/permissions[/{permissionType}]). A role still assigned to a
// user or a group cannot be deleted.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/projections/read_model.hpp"
#include "roles/roles.hpp"

namespace idledger::api::roles {

using domain::Json;
using domain::kCustomRoles;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/iam/roles";

Json render(RequestContext& ctx, const pj::Document& d) {
    Json j = document_json(d);
    j.erase("permissions");
    const std::string self = ctx.base_url + std::string(kCollection) + "/" + d.id;
    Json links = Json::object();
    links.set("permissions", hal_link(self + "/permissions"));
    links.set("self", hal_link(self));
    j.set("_links", std::move(links));
    return j;
}

/// The role named by id or by label, or 404.
domain::Result<pj::Document> find_role(RequestContext& ctx, const std::string& id_or_label) {
    auto d = ctx.app.documents.get(kCustomRoles, id_or_label);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (*d) return std::move(**d);
    auto by_label =
        ctx.app.documents.by_unique(kCustomRoles, "label", domain::normalize_login(id_or_label));
    if (!by_label) return std::unexpected(store_failure(by_label.error()));
    if (*by_label) return std::move(**by_label);
    return domain::not_found(id_or_label, kCustomRoles.name);
}

/// Whether any user or group holds an assignment of `role_id` (writer side).
domain::Result<bool> assigned(eventstore::Transaction& tx, const std::string& role_id) {
    auto users = pj::role_holders(tx);
    if (!users) return std::unexpected(store_failure(users.error()));
    for (const auto& uid : *users) {
        auto row = pj::load_user(tx, uid);
        if (!row) return std::unexpected(store_failure(row.error()));
        if (*row)
            for (const auto& a : (*row)->user.roles)
                if (a.role == role_id) return true;
    }
    auto groups = pj::group_members(tx, domain::kGroups, "holds", "roles");
    if (!groups) return std::unexpected(store_failure(groups.error()));
    for (const auto& gid : *groups) {
        auto g = pj::load_document(tx, domain::kGroups, gid);
        if (!g) return std::unexpected(store_failure(g.error()));
        if (*g)
            for (const auto& a : domain::group_roles((*g)->state))
                if (a.role == role_id) return true;
    }
    return false;
}

R list(RequestContext& ctx, const HttpRequest& req) {
    auto limit = read_limit(req, 20, 100);
    if (!limit) return std::unexpected(limit.error());
    auto after = cursor_param(req);
    if (!after) return std::unexpected(after.error());
    Json roles = Json::array();
    std::optional<uint64_t> next;
    uint64_t last = *after;
    auto r = ctx.app.documents.scan(kCustomRoles, *after, [&](const pj::Document& d) {
        if (roles.as_array().size() == *limit) {
            next = last;
            return false;
        }
        roles.push(render(ctx, d));
        last = d.seq;
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    // Okta pages custom roles in the body, not in Link headers.
    Json links = Json::object();
    if (next)
        links.set("next", hal_link(ctx.base_url + std::string(kCollection) + "?after=" +
                                   std::to_string(*next) + "&limit=" + std::to_string(*limit)));
    Json body = Json::object();
    body.set("roles", std::move(roles));
    body.set("_links", std::move(links));
    return json_response(200, body);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_role(ctx, ctx.param("roleIdOrLabel"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string actor = ctx.principal.user_id;
    auto d = create_document(
        ctx, kCustomRoles,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content = domain::custom_role_content(*body, unique_lookup(tx, kCustomRoles));
            if (!content) return std::unexpected(content.error());
            Json data = domain::with_id(id, *content);
            data.set("by", actor);
            return std::vector{
                domain::make_event(domain::custom_role_event::kCreated, std::move(data))};
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

/// Replaces the role's content with `next(current content)`; no event when nothing changes.
R change(
    RequestContext& ctx,
    const std::function<domain::Result<Json>(const pj::Document&, eventstore::Transaction&)>& next,
    int status) {
    auto found = find_role(ctx, ctx.param("roleIdOrLabel"));
    if (!found) return std::unexpected(found.error());
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kCustomRoles, found->id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content = next(current, tx);
            if (!content) return std::unexpected(content.error());
            if (domain::holds_all(current.state, *content)) return std::vector<domain::Event>{};
            Json data = *content;
            data.set("by", actor);
            return std::vector{
                domain::make_event(domain::custom_role_event::kUpdated, std::move(data))};
        });
    if (!d) return std::unexpected(d.error());
    if (status == 204) return empty_response(204);
    return json_response(status, render(ctx, *d));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    return change(
        ctx,
        [&](const pj::Document& current, eventstore::Transaction& tx) {
            // A replace names label and description; the permissions stay unless given.
            Json merged = *body;
            if (merged.is_object() && !merged.find("permissions"))
                if (const Json* p = current.state.find("permissions"))
                    merged.set("permissions", *p);
            return domain::custom_role_content(merged, unique_lookup(tx, kCustomRoles), current.id);
        },
        200);
}

R remove(RequestContext& ctx, const HttpRequest&) {
    auto found = find_role(ctx, ctx.param("roleIdOrLabel"));
    if (!found) return std::unexpected(found.error());
    auto done = delete_document(
        ctx, kCustomRoles, found->id,
        [](const pj::Document& current,
           eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto held = assigned(tx, current.id);
            if (!held) return std::unexpected(held.error());
            if (*held)
                return domain::validation("role",
                                          "The role is assigned; remove its assignments first");
            return std::vector{domain::make_event(domain::custom_role_event::kDeleted,
                                                  domain::with_id(current.id, Json::object()))};
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

Json render_permission(RequestContext& ctx, const pj::Document& d, const std::string& name) {
    const std::string role = ctx.base_url + std::string(kCollection) + "/" + d.id;
    Json j = Json::object();
    j.set("label", name);
    j.set("created", iso_field(d.state, "created"));
    j.set("lastUpdated", iso_field(d.state, "lastUpdated"));
    Json links = Json::object();
    links.set("role", hal_link(role));
    links.set("self", hal_link(role + "/permissions/" + name));
    j.set("_links", std::move(links));
    return j;
}

std::vector<std::string> permissions_of(const Json& state) {
    std::vector<std::string> out;
    if (const Json* p = state.find("permissions"); p && p->is_array())
        for (const auto& e : p->as_array())
            if (e.is_string()) out.push_back(e.as_string());
    return out;
}

R list_permissions(RequestContext& ctx, const HttpRequest&) {
    auto d = find_role(ctx, ctx.param("roleIdOrLabel"));
    if (!d) return std::unexpected(d.error());
    Json arr = Json::array();
    for (const auto& p : permissions_of(d->state)) arr.push(render_permission(ctx, *d, p));
    Json body = Json::object();
    body.set("permissions", std::move(arr));
    body.set("_links", Json::object());
    return json_response(200, body);
}

R get_permission(RequestContext& ctx, const HttpRequest&) {
    auto d = find_role(ctx, ctx.param("roleIdOrLabel"));
    if (!d) return std::unexpected(d.error());
    const std::string name = ctx.param("permissionType");
    for (const auto& p : permissions_of(d->state))
        if (p == name) return json_response(200, render_permission(ctx, *d, p));
    return domain::not_found(name, "Permission");
}

/// Adds (`add`) or removes one permission; a role keeps at least one.
R edit_permission(RequestContext& ctx, bool add) {
    const std::string name = ctx.param("permissionType");
    return change(
        ctx,
        [&](const pj::Document& current, eventstore::Transaction& tx) -> domain::Result<Json> {
            std::vector<std::string> perms = permissions_of(current.state);
            const bool has = std::find(perms.begin(), perms.end(), name) != perms.end();
            if (!add && !has) return domain::not_found(name, "Permission");
            if (add && !has) perms.push_back(name);
            if (!add) std::erase(perms, name);
            Json body = current.state;
            Json list = Json::array();
            for (const auto& p : perms) list.push(p);
            body.set("permissions", std::move(list));
            return domain::custom_role_content(body, unique_lookup(tx, kCustomRoles), current.id);
        },
        204);
}

R add_permission(RequestContext& ctx, const HttpRequest&) { return edit_permission(ctx, true); }
R remove_permission(RequestContext& ctx, const HttpRequest&) { return edit_permission(ctx, false); }

}  // namespace

std::vector<Route> custom_role_routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/iam/roles/{roleIdOrLabel}";
    constexpr std::string_view kPermissions = "/api/v1/iam/roles/{roleIdOrLabel}/permissions";
    constexpr std::string_view kPermission =
        "/api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}";
    return {
        {"GET", kCollection, "RoleECustom_listRoles", "roles", need("okta.roles.read"), Blocking,
         list},
        {"POST", kCollection, "RoleECustom_createRole", "roles", need("okta.roles.manage"),
         Blocking, create},
        {"GET", kOne, "RoleECustom_getRole", "roles", need("okta.roles.read"), Blocking, get},
        {"PUT", kOne, "RoleECustom_replaceRole", "roles", need("okta.roles.manage"), Blocking,
         replace},
        {"DELETE", kOne, "RoleECustom_deleteRole", "roles", need("okta.roles.manage"), Blocking,
         remove},
        {"GET", kPermissions, "RoleECustomPermission_listRolePermissions", "roles",
         need("okta.roles.read"), Blocking, list_permissions},
        {"GET", kPermission, "RoleECustomPermission_getRolePermission", "roles",
         need("okta.roles.read"), Blocking, get_permission},
        {"POST", kPermission, "RoleECustomPermission_createRolePermission", "roles",
         need("okta.roles.manage"), Blocking, add_permission},
        {"DELETE", kPermission, "RoleECustomPermission_deleteRolePermission", "roles",
         need("okta.roles.manage"), Blocking, remove_permission},
    };
}

}  // namespace idledger::api::roles
