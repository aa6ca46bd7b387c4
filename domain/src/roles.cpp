#include "idledger/domain/roles.hpp"

#include <algorithm>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::domain {

namespace {

struct StandardRole {
    std::string_view type;
    std::string_view label;
    std::span<const std::string_view> grants;
};

constexpr std::string_view kEverything[] = {"*"};
// Every family of the route table, managed: the organization administrator's reach, without
// role management and other users' API tokens (which would let it act as a super administrator).
constexpr std::string_view kOrgAdmin[] = {"okta.users.manage",
                                          "okta.groups.manage",
                                          "okta.apps.manage",
                                          "okta.identityProviders.manage",
                                          "okta.linkedObjects.manage",
                                          "okta.logs.read",
                                          "okta.templates.manage",
                                          "okta.threatInsights.manage",
                                          "okta.trustedOrigins.manage",
                                          "okta.networkZones.manage",
                                          "okta.roles.read",
                                          "okta.authzServers.manage",
                                          "okta.customizations.manage"};
constexpr std::string_view kReadOnly[] = {"okta.users.read",          "okta.groups.read",
                                          "okta.apps.read",           "okta.identityProviders.read",
                                          "okta.linkedObjects.read",  "okta.logs.read",
                                          "okta.templates.read",      "okta.threatInsights.read",
                                          "okta.trustedOrigins.read", "okta.networkZones.read",
                                          "okta.roles.read",          "okta.authzServers.read",
                                          "okta.customizations.read"};
constexpr std::string_view kAppAdmin[] = {"okta.apps.manage", "okta.users.read",
                                          "okta.groups.read"};
constexpr std::string_view kUserAdmin[] = {"okta.users.manage", "okta.groups.manage"};
constexpr std::string_view kHelpDesk[] = {"okta.users.read",
                                          "okta.groups.read",
                                          "okta.users.credentials.resetPassword",
                                          "okta.users.credentials.expirePassword",
                                          "okta.users.credentials.resetFactors",
                                          "okta.users.lifecycle.unlock"};
constexpr std::string_view kReportAdmin[] = {"okta.logs.read"};
constexpr std::string_view kGroupMembership[] = {"okta.users.read", "okta.groups.read",
                                                 "okta.groups.members.manage"};
constexpr std::string_view kApiAccess[] = {"okta.authzServers.manage", "okta.apps.read"};
constexpr std::string_view kDirectoryRead[] = {"okta.users.read", "okta.groups.read"};

constexpr StandardRole kStandard[] = {
    {"SUPER_ADMIN", "Super Administrator", kEverything},
    {"ORG_ADMIN", "Organizational Administrator", kOrgAdmin},
    {"APP_ADMIN", "Application Administrator", kAppAdmin},
    {"USER_ADMIN", "Group Administrator", kUserAdmin},
    {"HELP_DESK_ADMIN", "Help Desk Administrator", kHelpDesk},
    {"READ_ONLY_ADMIN", "Read-only Administrator", kReadOnly},
    {"MOBILE_ADMIN", "Mobile Administrator", kDirectoryRead},
    {"API_ACCESS_MANAGEMENT_ADMIN", "API Access Management Administrator", kApiAccess},
    {"REPORT_ADMIN", "Report Administrator", kReportAdmin},
    {"GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator", kGroupMembership},
    {"ACCESS_CERTIFICATIONS_ADMIN", "Access Certifications Administrator", kDirectoryRead},
    {"ACCESS_REQUESTS_ADMIN", "Access Requests Administrator", kDirectoryRead},
    {"WORKFLOWS_ADMIN", "Workflows Administrator", kDirectoryRead},
};

// Okta's catalogue of permissions a custom role may name (the part this server enforces).
constexpr std::string_view kCustomPermissions[] = {
    "okta.users.manage",
    "okta.users.create",
    "okta.users.read",
    "okta.users.userprofile.manage",
    "okta.users.credentials.manage",
    "okta.users.credentials.resetPassword",
    "okta.users.credentials.resetFactors",
    "okta.users.credentials.expirePassword",
    "okta.users.lifecycle.manage",
    "okta.users.lifecycle.activate",
    "okta.users.lifecycle.deactivate",
    "okta.users.lifecycle.suspend",
    "okta.users.lifecycle.unsuspend",
    "okta.users.lifecycle.delete",
    "okta.users.lifecycle.unlock",
    "okta.users.lifecycle.clearSessions",
    "okta.users.groupMembership.manage",
    "okta.users.appAssignment.manage",
    "okta.groups.manage",
    "okta.groups.create",
    "okta.groups.read",
    "okta.groups.members.manage",
    "okta.groups.appAssignment.manage",
    "okta.apps.read",
    "okta.apps.manage",
    "okta.apps.assignment.manage",
    "okta.identityProviders.read",
    "okta.identityProviders.manage",
    "okta.authzServers.read",
    "okta.authzServers.manage",
    "okta.customizations.read",
    "okta.customizations.manage",
};

const StandardRole* standard(std::string_view type) {
    for (const auto& r : kStandard)
        if (r.type == type) return &r;
    return nullptr;
}

namespace cev = custom_role_event;

constexpr EventType kCustomEvents[] = {
    {cev::kCreated, "iam.role.create", "Create a custom role"},
    {cev::kUpdated, "iam.role.update", "Update a custom role"},
    {cev::kDeleted, "iam.role.delete", "Delete a custom role"},
};

void evolve_custom(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == cev::kDeleted) return state.reset();
    if (e.type == cev::kCreated)
        state = Json::object();
    else if (e.type != cev::kUpdated || !state)
        return;
    for (const char* k : {"id", "label", "description", "permissions"})
        if (const Json* v = e.data.find(k)) state->set(k, *v);
    stamp(*state, at, e.type == cev::kCreated);
}

std::vector<IndexKey> custom_unique_keys(const Json& s) {
    return {{"label", normalize_login(s.string_at("label"))}};
}

}  // namespace

Json RoleAssignment::to_json() const {
    Json j = Json::object();
    j.set("id", id);
    j.set("type", type);
    if (!role.empty()) j.set("role", role);
    if (!resource_set.empty()) j.set("resourceSet", resource_set);
    j.set("created", created);
    j.set("lastUpdated", last_updated);
    return j;
}

std::optional<RoleAssignment> RoleAssignment::from_json(const Json& j) {
    if (!j.is_object() || j.string_at("id").empty() || j.string_at("type").empty())
        return std::nullopt;
    RoleAssignment a;
    a.id = j.string_at("id");
    a.type = j.string_at("type");
    a.role = j.string_at("role");
    a.resource_set = j.string_at("resourceSet");
    if (const Json* c = j.find("created"); c && c->is_int()) a.created = c->as_int();
    if (const Json* u = j.find("lastUpdated"); u && u->is_int()) a.last_updated = u->as_int();
    return a;
}

std::optional<std::string_view> role_label(std::string_view type) {
    if (const StandardRole* r = standard(canonical_role_type(type))) return r->label;
    return std::nullopt;
}

std::span<const std::string_view> standard_role_types() {
    static const std::vector<std::string_view> kTypes = [] {
        std::vector<std::string_view> out;
        for (const auto& r : kStandard) out.push_back(r.type);
        return out;
    }();
    return kTypes;
}

std::string_view canonical_role_type(std::string_view type) {
    return type == "API_ADMIN" ? std::string_view("API_ACCESS_MANAGEMENT_ADMIN") : type;
}

std::span<const std::string_view> role_grants(std::string_view type) {
    if (const StandardRole* r = standard(canonical_role_type(type))) return r->grants;
    return {};
}

bool custom_permission_known(std::string_view permission) {
    return std::find(std::begin(kCustomPermissions), std::end(kCustomPermissions), permission) !=
           std::end(kCustomPermissions);
}

bool grants_permission(std::span<const std::string> grants, std::string_view permission) {
    constexpr std::string_view kManage = "manage";
    for (const auto& g : grants) {
        if (g == "*" || g == permission) return true;
        if (g.size() > kManage.size() && g.ends_with(kManage) &&
            permission.starts_with(std::string_view(g).substr(0, g.size() - kManage.size())))
            return true;
    }
    return false;
}

Result<RoleRequest> parse_role_request(const Json& body) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    const Json* type = body.find("type");
    if (!type || !type->is_string()) return fail(ErrorCode::MalformedBody);
    RoleRequest req;
    req.type = std::string(canonical_role_type(type->as_string()));
    if (req.type == "CUSTOM") {
        const Json* role = body.find("role");
        if (!role || !role->is_string() || role->as_string().empty())
            return validation("role", "The field cannot be left blank");
        req.role = role->as_string();
        if (const Json* rs = body.find("resource-set"); rs && rs->is_string())
            req.resource_set = rs->as_string();
        return req;
    }
    if (!standard(req.type)) return fail(ErrorCode::MalformedBody);
    return req;
}

bool holds_assignment(std::span<const RoleAssignment> held, const RoleRequest& req) {
    return std::any_of(held.begin(), held.end(), [&](const RoleAssignment& a) {
        return a.type == req.type && a.role == req.role;
    });
}

Json grant_data(const std::string& id, const RoleRequest& req, const std::string& actor) {
    Json d = Json::object();
    d.set("id", id);
    d.set("type", req.type);
    if (!req.role.empty()) d.set("role", req.role);
    if (!req.resource_set.empty()) d.set("resourceSet", req.resource_set);
    d.set("by", actor);
    return d;
}

Json revoke_data(const RoleAssignment& a, const std::string& actor) {
    Json d = Json::object();
    d.set("id", a.id);
    d.set("type", a.type);
    d.set("by", actor);
    return d;
}

bool apply_role_event(std::vector<RoleAssignment>& held, std::string_view granted,
                      std::string_view revoked, const Event& e, Millis at,
                      std::string_view assignee) {
    if (e.type == revoked) {
        const std::string id = e.data.string_at("id");
        std::erase_if(held, [&](const RoleAssignment& a) { return a.id == id; });
        return true;
    }
    if (e.type != granted) return false;
    RoleAssignment a;
    // Grants recorded before assignments had ids name only the type ("role"): their id is
    // derived from the assignee and the type, the same on every replay.
    a.type = e.data.string_at("type");
    if (a.type.empty())
        a.type = e.data.string_at("role");
    else
        a.role = e.data.string_at("role");
    a.id = e.data.string_at("id");
    if (a.id.empty())
        a.id = std::string(id_prefix::kRoleAssignment) +
               token_digest(std::string(assignee) + "/" + a.type).substr(0, 17);
    a.resource_set = e.data.string_at("resourceSet");
    a.created = at;
    a.last_updated = at;
    if (a.type.empty() || holds_assignment(held, RoleRequest{a.type, a.role, {}})) return true;
    held.push_back(std::move(a));
    return true;
}

const ResourceKind kCustomRoles{
    .name = "Role",
    .stream_prefix = "customrole-",
    .family = "custom_roles",
    .id_prefix = "cr0",
    .events = kCustomEvents,
    .evolve = evolve_custom,
    .unique_keys = custom_unique_keys,
    .log_target_type = "CustomRole",
    .log_name_field = "label",
    .authorizes = true,
};

Result<Json> custom_role_content(const Json& body, const UniqueLookup& owner_of,
                                 std::string_view self) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    Json out = Json::object();
    for (const char* field : {"label", "description"}) {
        const Json* v = body.find(field);
        if (!v || !v->is_string() || v->as_string().empty()) {
            causes.add(field, "The field cannot be left blank");
            continue;
        }
        if (utf8_length(v->as_string()) > 255) {
            causes.add(field, "The field cannot exceed 255 characters");
            continue;
        }
        out.set(field, *v);
    }
    if (const std::string label = out.string_at("label"); !label.empty()) {
        auto owner = owner_of("label", normalize_login(label));
        if (owner && *owner != self)
            causes.add("label", "A role with this label already exists in the organization");
    }
    const Json* perms = body.find("permissions");
    if (!perms || !perms->is_array() || perms->as_array().empty()) {
        causes.add("permissions", "The field cannot be left blank");
    } else {
        Json list = Json::array();
        for (const auto& p : perms->as_array()) {
            if (!p.is_string() || !custom_permission_known(p.as_string())) {
                causes.add("permissions",
                           "Unknown permission: " + (p.is_string() ? p.as_string() : p.dump()));
                continue;
            }
            bool seen = false;
            for (const auto& q : list.as_array()) seen = seen || q.as_string() == p.as_string();
            if (!seen) list.push(p);
        }
        out.set("permissions", std::move(list));
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    return out;
}

}  // namespace idledger::domain
