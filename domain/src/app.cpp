// Applications: the kind, its events and its decisions (validation: app_validation.cpp).

#include "idledger/domain/app.hpp"

namespace idledger::domain {

namespace {

namespace ev = app_event;

constexpr StatusEvents kStatus{ev::kActivated, ev::kDeactivated};

Json with_actor(Json data, const std::string& actor) {
    data.set("by", actor);
    return data;
}

}  // namespace

const RelationKind kAppUsers{
    .family = "app_users",
    .added = {ev::kUserAssigned, "application.user_membership.add",
              "Add user to application membership"},
    .removed = {ev::kUserUnassigned, "application.user_membership.remove",
                "Remove user from application membership"},
    .other_field = "userId",
    .keeps_data = true,
};

const RelationKind kAppGroups{
    .family = "app_groups",
    .added = {ev::kGroupAssigned, "group.application_assignment.add",
              "Add assigned application to group"},
    .removed = {ev::kGroupUnassigned, "group.application_assignment.remove",
                "Remove assigned application from group"},
    .other_field = "groupId",
    .keeps_data = true,
};

namespace {

constexpr EventType kEvents[] = {
    {ev::kCreated, "application.lifecycle.create", "Create application"},
    {ev::kUpdated, "application.lifecycle.update", "Update application"},
    {ev::kActivated, "application.lifecycle.activate", "Activate application"},
    {ev::kDeactivated, "application.lifecycle.deactivate", "Deactivate application"},
    {ev::kDeleted, "application.lifecycle.delete", "Delete application"},
    kAppUsers.added,
    kAppUsers.removed,
    kAppGroups.added,
    kAppGroups.removed,
};

constexpr const RelationKind* kRelations[] = {&kAppUsers, &kAppGroups};

constexpr ContentEvents kContent{ev::kCreated, ev::kUpdated, ev::kDeleted, "app", kStatus};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    evolve_content(state, e, at, kContent);
}

}  // namespace

const ResourceKind kApps{
    .name = "AppInstance",
    .stream_prefix = "app-",
    .family = "apps",
    .id_prefix = "0oa",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .relations = kRelations,
    .log_target_type = "AppInstance",
    .log_name_field = "label",
};

std::vector<Event> decide_app_create(const std::string& id, const AppDraft& draft, bool active,
                                     const std::string& actor) {
    Json app = draft.app;
    if (Json* creds = app.find("credentials"))
        if (Json* oauth = creds->find("oauthClient")) oauth->set("client_id", id);
    Json data = Json::object();
    data.set("id", id);
    data.set("app", std::move(app));
    data.set("status", active ? "ACTIVE" : "INACTIVE");
    return {make_event(ev::kCreated, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_app_update(const Json& current, const AppDraft& draft,
                                     const std::string& actor) {
    Json app = draft.app;
    if (Json* creds = app.find("credentials"))
        if (Json* oauth = creds->find("oauthClient"))
            oauth->set("client_id", current.string_at("id"));
    if (holds_all(current, app)) return {};
    Json data = Json::object();
    data.set("app", std::move(app));
    return {make_event(ev::kUpdated, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_app_status(const Json& current, bool active, const std::string& actor) {
    return decide_status(current, active, kStatus, with_actor(Json::object(), actor));
}

Result<std::vector<Event>> decide_app_delete(const Json& current, const std::string& actor) {
    if (current.string_at("status") != "INACTIVE") return fail(ErrorCode::DeleteAppForbidden);
    return std::vector{make_event(ev::kDeleted, with_actor(Json::object(), actor))};
}

std::vector<Event> decide_app_user_assign(const std::string& user_id,
                                          const std::optional<Json>& existing,
                                          const std::string& assignment_id,
                                          const std::string& actor) {
    if (existing) return {};  // already assigned: nothing of it can change here
    Json data = Json::object();
    data.set("userId", user_id);
    data.set("assignmentId", assignment_id);
    data.set("scope", "USER");
    return {make_event(ev::kUserAssigned, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_app_group_assign(const std::string& group_id,
                                           const std::optional<Json>& existing,
                                           std::optional<int64_t> priority,
                                           const std::string& assignment_id,
                                           const std::string& actor) {
    if (existing) {
        const Json* held = existing->find("priority");
        if (!priority || (held && *held == Json(*priority))) return {};
    }
    Json data = Json::object();
    data.set("groupId", group_id);
    data.set("assignmentId", existing ? existing->string_at("assignmentId") : assignment_id);
    if (priority)
        data.set("priority", *priority);
    else if (existing && existing->find("priority"))
        data.set("priority", *existing->find("priority"));
    return {make_event(ev::kGroupAssigned, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_app_unassign(const RelationKind& relation, const std::string& other_id,
                                       bool assigned, const std::string& actor,
                                       const std::string& reason) {
    if (!assigned) return {};
    Json data = Json::object();
    data.set(relation.other_field, other_id);
    if (!reason.empty()) data.set("reason", reason);
    return {make_event(relation.removed.name, with_actor(std::move(data), actor))};
}

std::string app_link_name(const Json& app) {
    return app.string_at("name") == "bookmark" ? "login" : app.string_at("name") + "_link";
}

}  // namespace idledger::domain
