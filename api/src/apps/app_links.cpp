// GET /api/v1/users/{userId}/appLinks: the user's dashboard links, derived at read time from
// its direct assignments and the assignments of its groups (Everyone included), so they follow
// every assignment and membership change at once. And the deprovisioning of a deactivated user
// from its apps.

#include <set>

#include "apps/apps.hpp"
#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/ids.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::apps {

using domain::Json;
using domain::kAppGroups;
using domain::kApps;
using domain::kAppUsers;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

struct Assignment {
    std::string app_id;
    std::string assignment_id;
};

/// The user's assignments, each app once: direct ones first (in the order made), then through
/// Everyone and the user's groups in the order joined.
domain::Result<std::vector<Assignment>> assignments_of(RequestContext& ctx,
                                                       const std::string& user_id) {
    std::vector<Assignment> out;
    std::set<std::string> seen;
    std::optional<eventstore::Error> failure;
    auto from = [&](const domain::RelationKind& relation, const std::string& other) {
        return [&, other](uint64_t, std::string_view app_id) {
            if (seen.contains(std::string(app_id))) return true;
            auto link = ctx.app.documents.link_data(relation, app_id, other);
            if (!link) {
                failure = link.error();
                return false;
            }
            if (!*link) return true;
            seen.emplace(app_id);
            out.push_back({std::string(app_id), (*link)->string_at("assignmentId")});
            return true;
        };
    };
    auto r = ctx.app.documents.related_ids(kAppUsers, false, user_id, 0, from(kAppUsers, user_id));
    if (!r) return std::unexpected(store_failure(r.error()));
    if (failure) return std::unexpected(store_failure(*failure));
    std::vector<std::string> groups{std::string(domain::kEveryoneGroupId)};
    r = ctx.app.documents.related_ids(domain::kGroupMembers, false, user_id, 0,
                                      [&](uint64_t, std::string_view gid) {
                                          groups.emplace_back(gid);
                                          return true;
                                      });
    if (!r) return std::unexpected(store_failure(r.error()));
    for (const auto& gid : groups) {
        if (gid != domain::kEveryoneGroupId) {
            auto g = ctx.app.documents.get(domain::kGroups, gid);
            if (!g) return std::unexpected(store_failure(g.error()));
            if (!*g) continue;  // deleted: its assignments went with it
        }
        r = ctx.app.documents.related_ids(kAppGroups, false, gid, 0, from(kAppGroups, gid));
        if (!r) return std::unexpected(store_failure(r.error()));
        if (failure) return std::unexpected(store_failure(*failure));
    }
    return out;
}

R app_links(RequestContext& ctx, const HttpRequest&) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    Json items = Json::array();
    // A deprovisioned user has been removed from its apps (group-based ones come back when it
    // is reactivated: its memberships stay).
    if (user->user.status == domain::UserStatus::Deprovisioned) return json_response(200, items);
    auto assigned = assignments_of(ctx, user->user.id);
    if (!assigned) return std::unexpected(assigned.error());
    int64_t order = 0;
    for (const auto& a : *assigned) {
        auto app = ctx.app.documents.get(kApps, a.app_id);
        if (!app) return std::unexpected(store_failure(app.error()));
        if (!*app || (*app)->state.string_at("status") != "ACTIVE") continue;
        const Json& s = (*app)->state;
        const Json* vis = s.find("visibility");
        const Json* hide = vis ? vis->find("hide") : nullptr;
        const Json* links = vis ? vis->find("appLinks") : nullptr;
        if (!links || !links->is_object()) continue;
        for (const auto& [name, shown] : links->as_object()) {
            if (shown != Json(true)) continue;
            Json l = Json::object();
            l.set("id", a.assignment_id);
            l.set("label", s.string_at("label"));
            l.set("linkUrl",
                  ctx.base_url + "/home/" + s.string_at("name") + "/" + a.app_id + "/" + name);
            l.set("logoUrl", ctx.base_url + "/assets/img/logos/default.png");
            l.set("appName", s.string_at("name"));
            l.set("appInstanceId", a.app_id);
            l.set("appAssignmentId", a.assignment_id);
            l.set("credentialsSetup", false);
            l.set("hidden", hide && hide->find("web") ? *hide->find("web") : Json(false));
            l.set("sortOrder", order++);
            items.push(std::move(l));
        }
    }
    return json_response(200, items);
}

}  // namespace

domain::Result<size_t> unassign_all_of_user_in(App& app, eventstore::Transaction& tx,
                                               const std::string& user_id,
                                               const std::string& metadata) {
    std::vector<std::string> apps;
    auto r =
        app.documents.related_ids(kAppUsers, false, user_id, 0, [&](uint64_t, std::string_view id) {
            apps.emplace_back(id);
            return true;
        });
    if (!r) return std::unexpected(store_failure(r.error()));
    size_t removed = 0;
    for (const auto& id : apps) {
        auto done = run_document_command_in(
            tx, kApps, id, Subject::Either,
            link_decision(kAppUsers, user_id,
                          [&](const pj::Document&, const std::optional<Json>& link)
                              -> domain::Result<std::vector<domain::Event>> {
                              removed += link ? 1 : 0;
                              return domain::decide_app_unassign(
                                  kAppUsers, user_id, link.has_value(), "system", "deprovisioned");
                          }),
            metadata);
        if (!done) return std::unexpected(done.error());
    }
    return removed;
}

std::vector<Route> app_link_routes() {
    using enum Exec;
    return {
        {"GET", "/api/v1/users/{userId}/appLinks", "User_listAppLinks", "users",
         self_or("okta.users.read"), Blocking, app_links},
    };
}

}  // namespace idledger::api::apps
