// Who is assigned to an app: users directly (scope USER) and groups, whose members are assigned
// through them (scope GROUP). /api/v1/apps/{appId}/users[/{userId}], /groups[/{groupId}].

#include <charconv>

#include "apps/apps.hpp"
#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "groups/groups.hpp"
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

std::string app_href(const RequestContext& ctx, const std::string& app_id) {
    return ctx.base_url + "/api/v1/apps/" + app_id;
}

/// Okta's AppUser: `link` is the assignment's data (a group's, for scope GROUP).
Json render_app_user(const RequestContext& ctx, const std::string& app_id, const domain::User& u,
                     const Json& link, const std::string& via_group = {}) {
    Json j = Json::object();
    j.set("id", u.id);
    j.set("externalId", nullptr);
    j.set("created", iso_field(link, "created"));
    j.set("lastUpdated", iso_field(link, "lastUpdated"));
    j.set("scope", via_group.empty() ? "USER" : "GROUP");
    j.set("status", "ACTIVE");
    j.set("statusChanged", iso_field(link, "created"));
    j.set("passwordChanged", nullptr);
    j.set("syncState", "DISABLED");
    Json creds = Json::object();
    creds.set("userName", u.login());  // the template ${source.login}, read now
    j.set("credentials", std::move(creds));
    j.set("profile", Json::object());
    Json links = Json::object();
    links.set("app", hal_link(app_href(ctx, app_id)));
    links.set("user", hal_link(ctx.base_url + "/api/v1/users/" + u.id));
    if (!via_group.empty())
        links.set("group", hal_link(ctx.base_url + "/api/v1/groups/" + via_group));
    j.set("_links", std::move(links));
    return j;
}

Json render_app_group(const RequestContext& ctx, const std::string& app_id,
                      const std::string& group_id, const Json& link) {
    Json j = Json::object();
    j.set("id", group_id);
    j.set("lastUpdated", iso_field(link, "lastUpdated"));
    j.set("priority", link.find("priority") ? *link.find("priority") : Json(0));
    j.set("profile", Json::object());
    Json links = Json::object();
    links.set("app", hal_link(app_href(ctx, app_id)));
    links.set("self", hal_link(app_href(ctx, app_id) + "/groups/" + group_id));
    links.set("group", hal_link(ctx.base_url + "/api/v1/groups/" + group_id));
    j.set("_links", std::move(links));
    return j;
}

/// The group through which `user_id` is assigned to the app (Everyone counts), if any.
domain::Result<std::optional<std::pair<std::string, Json>>> assigned_group(
    RequestContext& ctx, const std::string& app_id, const std::string& user_id) {
    std::optional<std::pair<std::string, Json>> found;
    std::optional<domain::Error> failure;
    auto r = ctx.app.documents.related_ids(
        kAppGroups, true, app_id, 0, [&](uint64_t, std::string_view gid) {
            auto member = groups::is_member(ctx, gid, user_id);
            if (!member) {
                failure = member.error();
                return false;
            }
            if (!*member) return true;
            auto link = ctx.app.documents.link_data(kAppGroups, app_id, gid);
            if (!link) {
                failure = store_failure(link.error());
                return false;
            }
            found = std::pair{std::string(gid), link->value_or(Json::object())};
            return false;
        });
    if (failure) return std::unexpected(*failure);
    if (!r) return std::unexpected(store_failure(r.error()));
    return found;
}

// ---- users ---------------------------------------------------------------------------------

R assign_user_to(RequestContext& ctx, const std::string& app_id, const std::string& user_ref) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, user_ref));
    if (!user) return std::unexpected(user.error());
    const std::string uid = user->user.id;
    const std::string assignment = ctx.app.ids.next("0ua");
    const std::string actor = ctx.principal.user_id;
    auto d = run_document_command(
        ctx, kApps, app_id, Subject::Existing,
        link_decision(kAppUsers, uid,
                      [&](const pj::Document&, const std::optional<Json>& link)
                          -> domain::Result<std::vector<domain::Event>> {
                          return domain::decide_app_user_assign(uid, link, assignment, actor);
                      }));
    if (!d) return std::unexpected(d.error());
    auto link = ctx.app.documents.link_data(kAppUsers, app_id, uid);
    if (!link) return std::unexpected(store_failure(link.error()));
    return json_response(200,
                         render_app_user(ctx, app_id, user->user, link->value_or(Json::object())));
}

R assign_user(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    if (auto ok = domain::check_app_user_body(*body); !ok) return std::unexpected(ok.error());
    const std::string uid = body->string_at("id");
    if (uid.empty()) return domain::validation("id", "id: The field cannot be left blank");
    return assign_user_to(ctx, ctx.param("appId"), uid);
}

R get_user(RequestContext& ctx, const HttpRequest&) {
    auto app = find_document(ctx, kApps, ctx.param("appId"));
    if (!app) return std::unexpected(app.error());
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    auto link = ctx.app.documents.link_data(kAppUsers, app->id, user->user.id);
    if (!link) return std::unexpected(store_failure(link.error()));
    if (*link) return json_response(200, render_app_user(ctx, app->id, user->user, **link));
    auto via = assigned_group(ctx, app->id, user->user.id);
    if (!via) return std::unexpected(via.error());
    if (!*via) return domain::not_found(user->user.id, "AppUser");
    return json_response(200,
                         render_app_user(ctx, app->id, user->user, (*via)->second, (*via)->first));
}

/// POST /apps/{appId}/users/{userId}: the assignment's credentials and profile follow the
/// user here (bookmark and OIDC apps define no profile), so an update changes nothing and
/// answers the assignment as it is.
R update_user(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req, true);
    if (!body) return std::unexpected(body.error());
    if (auto ok = domain::check_app_user_body(*body); !ok) return std::unexpected(ok.error());
    return get_user(ctx, req);
}

/// Removes the app's link to `other` in `relation`: 204 whether or not there was one.
R unassign(RequestContext& ctx, const domain::RelationKind& relation, const std::string& other) {
    const std::string actor = ctx.principal.user_id;
    auto d = run_document_command(
        ctx, kApps, ctx.param("appId"), Subject::Existing,
        link_decision(
            relation, other,
            [&](const pj::Document&,
                const std::optional<Json>& link) -> domain::Result<std::vector<domain::Event>> {
                return domain::decide_app_unassign(relation, other, link.has_value(), actor);
            }));
    if (!d) return std::unexpected(d.error());
    return empty_response(204);
}

R unassign_user(RequestContext& ctx, const HttpRequest&) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    return unassign(ctx, kAppUsers, user->user.id);
}

/// The list's cursor: "u<seq>" within the direct assignments, then "g<group seq>.<member seq>"
/// within the members of the assigned groups, in the order the groups were assigned.
struct AppUserCursor {
    bool in_groups = false;
    uint64_t seq = 0;
    uint64_t member = 0;
};

domain::Result<AppUserCursor> app_user_cursor(const HttpRequest& req) {
    const std::string* a = req.param("after");
    AppUserCursor c;
    if (!a || a->empty()) return c;
    auto number = [](std::string_view s, uint64_t& out) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size() && !s.empty();
    };
    bool ok = false;
    if (a->starts_with("u")) {
        ok = number(std::string_view(*a).substr(1), c.seq);
    } else if (a->starts_with("g")) {
        c.in_groups = true;
        const size_t dot = a->find('.');
        ok = dot != std::string::npos && number(std::string_view(*a).substr(1, dot - 1), c.seq) &&
             number(std::string_view(*a).substr(dot + 1), c.member);
    }
    if (!ok) return domain::fail(domain::ErrorCode::InvalidPaging);
    return c;
}

/// GET /apps/{appId}/users: the directly assigned users, then those assigned through groups
/// (each user once: scope USER wins, then the earliest assigned group), `limit` (50, ≤ 500).
R list_users(RequestContext& ctx, const HttpRequest& req) {
    auto app = find_document(ctx, kApps, ctx.param("appId"));
    if (!app) return std::unexpected(app.error());
    auto limit = read_limit(req, 50, 500);
    if (!limit) return std::unexpected(limit.error());
    auto cursor = app_user_cursor(req);
    if (!cursor) return std::unexpected(cursor.error());
    Json items = Json::array();
    std::optional<std::string> next;
    std::optional<domain::Error> failure;
    size_t examined = 0;
    const std::string app_id = app->id;
    // Whether one more may be examined: past the bound, the page ends with `resume` as cursor.
    auto room = [&](const std::string& resume) {
        if (items.as_array().size() == *limit || ++examined > ctx.app.config.scan_bound) {
            next = resume;
            return false;
        }
        return true;
    };
    std::string last = cursor->in_groups ? "" : "u" + std::to_string(cursor->seq);
    if (!cursor->in_groups) {
        auto r = ctx.app.documents.related_ids(
            kAppUsers, true, app_id, cursor->seq, [&](uint64_t seq, std::string_view uid) {
                if (!room(last)) return false;
                auto row = ctx.app.reader.user(uid);
                auto link = ctx.app.documents.link_data(kAppUsers, app_id, uid);
                if (!row || !link) {
                    failure = store_failure(!row ? row.error() : link.error());
                    return false;
                }
                if (*row && *link) items.push(render_app_user(ctx, app_id, (*row)->user, **link));
                last = "u" + std::to_string(seq);
                return true;
            });
        if (!r) failure = store_failure(r.error());
    }
    // Then the groups, each from its first member (or where the cursor left it).
    std::vector<std::pair<uint64_t, std::string>> assigned;
    if (!failure && !next) {
        auto r = ctx.app.documents.related_ids(kAppGroups, true, app_id, 0,
                                               [&](uint64_t seq, std::string_view gid) {
                                                   assigned.emplace_back(seq, gid);
                                                   return true;
                                               });
        if (!r) failure = store_failure(r.error());
    }
    for (size_t gi = 0; gi < assigned.size() && !failure && !next; ++gi) {
        const auto& [gseq, gid] = assigned[gi];
        if (cursor->in_groups && gseq < cursor->seq) continue;
        const uint64_t from = cursor->in_groups && gseq == cursor->seq ? cursor->member : 0;
        auto link = ctx.app.documents.link_data(kAppGroups, app_id, gid);
        auto group = ctx.app.documents.get(domain::kGroups, gid);
        if (!link || !group) {
            failure = store_failure(!link ? link.error() : group.error());
            break;
        }
        if (!*group || !*link) continue;  // deleted since it was assigned
        std::string resume = "g" + std::to_string(gseq) + "." + std::to_string(from);
        // Shown once: not directly assigned, not through an earlier group.
        auto visit = [&](uint64_t mseq, const pj::UserRow& row) {
            if (!room(resume)) return false;
            resume = "g" + std::to_string(gseq) + "." + std::to_string(mseq);
            auto direct = ctx.app.documents.related(kAppUsers, app_id, row.user.id);
            if (!direct) {
                failure = store_failure(direct.error());
                return false;
            }
            if (*direct) return true;
            for (size_t earlier = 0; earlier < gi; ++earlier) {
                auto m = groups::is_member(ctx, assigned[earlier].second, row.user.id);
                if (!m) {
                    failure = m.error();
                    return false;
                }
                if (*m) return true;  // shown through the earlier group
            }
            items.push(render_app_user(ctx, app_id, row.user, **link, gid));
            return true;
        };
        eventstore::Result<void> r;
        if (gid == domain::kEveryoneGroupId) {
            r = ctx.app.reader.scan_users(
                from, [&](const pj::UserRow& row) { return visit(row.seq, row); });
        } else {
            r = ctx.app.documents.related_ids(
                domain::kGroupMembers, true, gid, from, [&](uint64_t mseq, std::string_view uid) {
                    auto row = ctx.app.reader.user(uid);
                    if (!row) {
                        failure = store_failure(row.error());
                        return false;
                    }
                    if (!*row) {
                        resume = "g" + std::to_string(gseq) + "." + std::to_string(mseq);
                        return true;
                    }
                    return visit(mseq, **row);
                });
        }
        if (!r) failure = store_failure(r.error());
    }
    if (failure) return std::unexpected(*failure);
    HttpResponse res = json_response(200, items);
    add_link_headers(res, ctx, req, *limit, next);
    return res;
}

// ---- groups --------------------------------------------------------------------------------

R assign_group(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req, true);
    if (!body) return std::unexpected(body.error());
    auto priority = domain::app_group_priority(*body);
    if (!priority) return std::unexpected(priority.error());
    auto group = find_document(ctx, domain::kGroups, ctx.param("groupId"));
    if (!group) return std::unexpected(group.error());
    const std::string gid = group->id;
    const std::string assignment = ctx.app.ids.next("0ua");
    const std::string actor = ctx.principal.user_id;
    const std::string app_id = ctx.param("appId");
    auto d = run_document_command(
        ctx, kApps, app_id, Subject::Existing,
        link_decision(
            kAppGroups, gid,
            [&](const pj::Document&,
                const std::optional<Json>& link) -> domain::Result<std::vector<domain::Event>> {
                return domain::decide_app_group_assign(gid, link, *priority, assignment, actor);
            }));
    if (!d) return std::unexpected(d.error());
    auto link = ctx.app.documents.link_data(kAppGroups, app_id, gid);
    if (!link) return std::unexpected(store_failure(link.error()));
    return json_response(200, render_app_group(ctx, app_id, gid, link->value_or(Json::object())));
}

R get_group(RequestContext& ctx, const HttpRequest&) {
    auto app = find_document(ctx, kApps, ctx.param("appId"));
    if (!app) return std::unexpected(app.error());
    const std::string gid = ctx.param("groupId");
    auto link = ctx.app.documents.link_data(kAppGroups, app->id, gid);
    if (!link) return std::unexpected(store_failure(link.error()));
    auto group = ctx.app.documents.get(domain::kGroups, gid);
    if (!group) return std::unexpected(store_failure(group.error()));
    if (!*link || !*group) return domain::not_found(gid, "ApplicationGroupAssignment");
    return json_response(200, render_app_group(ctx, app->id, gid, **link));
}

R unassign_group(RequestContext& ctx, const HttpRequest&) {
    return unassign(ctx, kAppGroups, ctx.param("groupId"));
}

/// GET /apps/{appId}/groups: in the order assigned, `limit` (20, ≤ 200), `after`.
R list_groups(RequestContext& ctx, const HttpRequest& req) {
    auto app = find_document(ctx, kApps, ctx.param("appId"));
    if (!app) return std::unexpected(app.error());
    return relation_page(
        ctx, req, kAppGroups, app->id, 20, 200,
        [&](std::string_view gid) -> domain::Result<std::optional<Json>> {
            auto group = ctx.app.documents.get(domain::kGroups, gid);
            auto link = ctx.app.documents.link_data(kAppGroups, app->id, gid);
            if (!group || !link)
                return std::unexpected(store_failure(!group ? group.error() : link.error()));
            if (!*group || !*link) return std::optional<Json>();
            return std::optional(render_app_group(ctx, app->id, std::string(gid), **link));
        });
}

}  // namespace

std::vector<Route> assignment_routes() {
    using enum Exec;
    constexpr std::string_view kUser = "/api/v1/apps/{appId}/users/{userId}";
    constexpr std::string_view kGroup = "/api/v1/apps/{appId}/groups/{groupId}";
    return {
        {"GET", "/api/v1/apps/{appId}/users", "ApplicationUsers_listApplicationUsers", "apps",
         need("okta.apps.read"), Query, list_users},
        {"POST", "/api/v1/apps/{appId}/users", "ApplicationUsers_assignUserToApplication", "apps",
         need("okta.apps.assignment.manage"), Blocking, assign_user},
        {"GET", kUser, "ApplicationUsers_getApplicationUser", "apps", need("okta.apps.read"),
         Blocking, get_user},
        {"POST", kUser, "ApplicationUsers_updateApplicationUser", "apps",
         need("okta.apps.assignment.manage"), Blocking, update_user},
        {"DELETE", kUser, "ApplicationUsers_unassignUserFromApplication", "apps",
         need("okta.apps.assignment.manage"), Blocking, unassign_user},
        {"GET", "/api/v1/apps/{appId}/groups", "ApplicationGroups_listApplicationGroupAssignments",
         "apps", need("okta.apps.read"), Blocking, list_groups},
        {"PUT", kGroup, "ApplicationGroups_assignGroupToApplication", "apps",
         need("okta.apps.assignment.manage"), Blocking, assign_group},
        {"GET", kGroup, "ApplicationGroups_getApplicationGroupAssignment", "apps",
         need("okta.apps.read"), Blocking, get_group},
        {"DELETE", kGroup, "ApplicationGroups_unassignApplicationFromGroup", "apps",
         need("okta.apps.assignment.manage"), Blocking, unassign_group},
    };
}

}  // namespace idledger::api::apps
