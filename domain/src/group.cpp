#include "idledger/domain/group.hpp"

#include <algorithm>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::domain {

namespace {

namespace ev = group_event;

constexpr size_t kMaxName = 255;
constexpr size_t kMaxDescription = 1024;

}  // namespace

const RelationKind kGroupMembers{
    .family = "group_members",
    .added = {ev::kUserAdded, "group.user_membership.add", "Add user to group membership"},
    .removed = {ev::kUserRemoved, "group.user_membership.remove",
                "Remove user from group membership"},
    .other_field = "userId",
    .authorizes_right = true,
};

namespace {

constexpr EventType kEvents[] = {
    {ev::kCreated, "group.lifecycle.create", "Create okta group"},
    {ev::kProfileUpdated, "group.profile.update", "Update okta group profile"},
    {ev::kDeleted, "group.lifecycle.delete", "Delete okta group"},
    kGroupMembers.added,
    kGroupMembers.removed,
    {role_event::kGroupGranted, "group.privilege.grant", "Grant group privilege"},
    {role_event::kGroupRevoked, "group.privilege.revoke", "Revoke group privilege"},
};

// A deleted group's roles leave its members with it.
constexpr std::string_view kAuthorizing[] = {role_event::kGroupGranted, role_event::kGroupRevoked,
                                             ev::kDeleted};

constexpr const RelationKind* kRelations[] = {&kGroupMembers};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == ev::kCreated) {
        Json s = Json::object();
        s.set("id", e.data.string_at("id"));
        s.set("created", at);
        s.set("lastUpdated", at);
        s.set("lastMembershipUpdated", at);
        Json classes = Json::array();
        classes.push("okta:user_group");
        s.set("objectClass", std::move(classes));
        s.set("type", e.data.string_at("type"));
        if (const Json* p = e.data.find("profile")) s.set("profile", *p);
        state = std::move(s);
        return;
    }
    if (e.type == ev::kDeleted) return state.reset();
    if (!state) return;
    if (e.type == ev::kProfileUpdated) {
        if (const Json* p = e.data.find("profile")) state->set("profile", *p);
        state->set("lastUpdated", at);
    } else if (e.type == ev::kUserAdded || e.type == ev::kUserRemoved) {
        state->set("lastMembershipUpdated", at);
    } else {
        std::vector<RoleAssignment> roles = group_roles(*state);
        if (!apply_role_event(roles, role_event::kGroupGranted, role_event::kGroupRevoked, e, at,
                              state->string_at("id")))
            return;
        Json list = Json::array();
        for (const auto& r : roles) list.push(r.to_json());
        if (roles.empty())
            state->erase("roles");
        else
            state->set("roles", std::move(list));
    }
}

std::vector<IndexKey> group_keys(const Json& s) {
    if (group_roles(s).empty()) return {};
    return {{"holds", "roles"}};
}

std::string group_name(const Json& state) {
    const Json* p = state.find("profile");
    return p ? p->string_at("name") : std::string();
}

std::vector<IndexKey> unique_keys(const Json& s) {
    if (s.string_at("type") != "OKTA_GROUP") return {};
    return {{"name", normalize_login(group_name(s))}};
}

bool built_in(const Json& state) { return state.string_at("type") == "BUILT_IN"; }

Json with_actor(Json data, const std::string& actor) {
    data.set("by", actor);
    return data;
}

}  // namespace

const ResourceKind kGroups{
    .name = "UserGroup",
    .stream_prefix = "group-",
    .family = "groups",
    .id_prefix = "00g",
    .schema_version = 3,  // group keys: one key per member
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .group_keys = group_keys,
    .relations = kRelations,
    .log_target_type = "UserGroup",
    .log_name_field = "profile.name",
    .authorizing_events = kAuthorizing,
};

std::vector<RoleAssignment> group_roles(const Json& state) {
    std::vector<RoleAssignment> out;
    if (const Json* r = state.find("roles"); r && r->is_array())
        for (const auto& e : r->as_array())
            if (auto a = RoleAssignment::from_json(e)) out.push_back(std::move(*a));
    return out;
}

Result<Json> group_profile(const Json& body, const UniqueLookup& owner_of, std::string_view self) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    const Json* profile = body.find("profile");
    if (!profile || profile->is_null())
        return validation("profile", "profile: The field is required");
    if (!profile->is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    Json out = Json::object();
    const Json* name = profile->find("name");
    if (!name || name->is_null() || (name->is_string() && name->as_string().empty()))
        causes.add("name", "The field cannot be left blank");
    else if (!name->is_string())
        causes.add("name", "The field must be a string");
    else if (utf8_length(name->as_string()) > kMaxName)
        causes.add("name", "The field cannot exceed 255 characters");
    else if (auto holder = owner_of("name", normalize_login(name->as_string()));
             holder && *holder != self)
        causes.add("name", "An object with this field already exists in the current organization");
    for (const auto& [key, v] : profile->as_object()) {
        if (key == "description") {
            if (v.is_null()) continue;
            if (!v.is_string())
                causes.add("description", "The field must be a string");
            else if (utf8_length(v.as_string()) > kMaxDescription)
                causes.add("description", "The field cannot exceed 1024 characters");
        } else if (key != "name") {
            bool ok = v.is_null() || v.is_string() || v.is_bool() || v.is_int() || v.is_double();
            if (v.is_array())
                ok = std::all_of(v.as_array().begin(), v.as_array().end(),
                                 [](const Json& e) { return e.is_string(); });
            if (!ok) causes.add(key, "The value must be a string, number, boolean or string array");
        }
        out.set(key, v);
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    if (!out.find("description")) out.set("description", nullptr);
    return out;
}

std::vector<Event> decide_group_create(const std::string& id, std::string_view type,
                                       const Json& profile, const std::string& actor) {
    Json data = Json::object();
    data.set("id", id);
    data.set("type", std::string(type));
    data.set("profile", profile);
    return {make_event(ev::kCreated, with_actor(std::move(data), actor))};
}

Result<std::vector<Event>> decide_group_update(const Json& current, const Json& profile,
                                               const std::string& actor) {
    if (built_in(current)) return fail(ErrorCode::PermissionDenied);
    const Json* old = current.find("profile");
    if (old && *old == profile) return std::vector<Event>{};
    Json data = Json::object();
    data.set("profile", profile);
    return std::vector{make_event(ev::kProfileUpdated, with_actor(std::move(data), actor))};
}

Result<std::vector<Event>> decide_group_delete(const Json& current) {
    if (built_in(current)) return fail(ErrorCode::PermissionDenied);
    return std::vector{make_event(ev::kDeleted, Json::object())};
}

Result<std::vector<Event>> decide_group_membership(const Json& current, const std::string& user_id,
                                                   bool add, bool is_member,
                                                   const std::string& actor) {
    if (built_in(current))
        return fail(add ? ErrorCode::UnsupportedOperation : ErrorCode::PermissionDenied);
    if (add == is_member) return std::vector<Event>{};
    Json data = Json::object();
    data.set("userId", user_id);
    return std::vector{
        make_event(add ? ev::kUserAdded : ev::kUserRemoved, with_actor(std::move(data), actor))};
}

namespace {

bool is_date(std::string_view a) {
    return a == "lastUpdated" || a == "lastMembershipUpdated" || a == "created";
}

Result<void> check_query(QueryNode& n, bool search) {
    if (n.kind != QueryNode::Kind::Compare) {
        for (auto& c : n.children)
            if (auto r = check_query(c, search); !r) return r;
        return {};
    }
    const std::string where = search ? "search" : "filter";
    auto refuse = [&](std::string why) {
        return fail(ErrorCode::InvalidSearch, {}, {{where + ": " + std::move(why)}});
    };
    const bool profile = n.attribute.starts_with("profile.") && n.attribute.size() > 8;
    if (is_date(n.attribute)) {
        const bool ordered = n.op == QueryOp::Eq || n.op == QueryOp::Gt || n.op == QueryOp::Ge ||
                             n.op == QueryOp::Lt || n.op == QueryOp::Le;
        if (!ordered) return refuse("dates take eq, gt, ge, lt or le");
        auto at = n.value.is_string() ? parse_iso8601(n.value.as_string()) : std::nullopt;
        if (!at) return fail(ErrorCode::InvalidDate);
        n.value = Json(format_iso8601(*at));  // compared as canonical ISO text
        return {};
    }
    if (n.attribute == "id" || n.attribute == "type") {
        if (n.op != QueryOp::Eq) return refuse("'" + n.attribute + "' takes eq");
        if (!n.value.is_string()) return refuse("values must be quoted strings");
        return {};
    }
    if (search && profile) {
        if (n.op != QueryOp::Eq && n.op != QueryOp::Sw && n.op != QueryOp::Co &&
            n.op != QueryOp::Pr)
            return refuse("profile attributes take eq, sw, co or pr");
        return {};
    }
    return refuse("'" + n.attribute + "' cannot be used: use id, type, created, lastUpdated, " +
                  "lastMembershipUpdated" + (search ? " or profile attributes" : ""));
}

Result<QueryNode> parse_group_query(std::string_view text, bool search) {
    auto node = parse_user_query(text, QueryMode::Log);
    if (!node) return node;
    if (auto r = check_query(*node, search); !r) return std::unexpected(r.error());
    return node;
}

}  // namespace

Result<QueryNode> parse_group_filter(std::string_view text) {
    return parse_group_query(text, false);
}
Result<QueryNode> parse_group_search(std::string_view text) {
    return parse_group_query(text, true);
}

}  // namespace idledger::domain
