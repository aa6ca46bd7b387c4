// Group memberships: a group's members (paged), adding and removing one (204, idempotent), and a
// user's groups (Everyone first). Everyone's members are the users read model itself.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "groups/groups.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/ids.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::groups {

using domain::Json;
using domain::kGroupMembers;
using domain::kGroups;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

/// Adding (`add`) or removing `user_id`, decided on the writer from the group's state and the
/// membership read model.
DocumentDecision membership(const std::string& user_id, bool add, const std::string& actor) {
    return link_decision(
        kGroupMembers, user_id,
        [user_id, add, actor](const pj::Document& current, const std::optional<Json>& link) {
            return domain::decide_group_membership(current.state, user_id, add, link.has_value(),
                                                   actor);
        });
}

/// GET /api/v1/groups/{groupId}/users: in the order members joined (Everyone: in the order
/// users were created), `limit` (1000, at most 10000) and `after`.
R list_members(RequestContext& ctx, const HttpRequest& req) {
    auto group = find_document(ctx, kGroups, ctx.param("groupId"));
    if (!group) return std::unexpected(group.error());
    auto limit = read_limit(req, 1000, 10'000);
    if (!limit) return std::unexpected(limit.error());
    auto after = cursor_param(req);
    if (!after) return std::unexpected(after.error());
    Json items = Json::array();
    std::optional<std::string> next;
    uint64_t last = *after;
    size_t examined = 0;
    auto take = [&](uint64_t seq, const domain::User& u) {
        if (items.as_array().size() == *limit) {
            next = std::to_string(last);
            return false;
        }
        items.push(render_user(u, ctx.base_url, LinkSet::SelfOnly));
        last = seq;
        return true;
    };
    eventstore::Result<void> r;
    std::optional<eventstore::Error> failure;
    if (group->state.string_at("type") == "BUILT_IN") {
        r = ctx.app.reader.scan_users(
            *after, [&](const pj::UserRow& row) { return take(row.seq, row.user); });
    } else {
        r = ctx.app.documents.related_ids(kGroupMembers, true, group->id, *after,
                                          [&](uint64_t seq, std::string_view uid) {
                                              if (++examined > ctx.app.config.scan_bound) {
                                                  next = std::to_string(last);
                                                  return false;
                                              }
                                              auto row = ctx.app.reader.user(uid);
                                              if (!row) {
                                                  failure = row.error();
                                                  return false;
                                              }
                                              if (!*row) {  // deleted since it joined
                                                  last = seq;
                                                  return true;
                                              }
                                              return take(seq, (*row)->user);
                                          });
    }
    if (failure) return std::unexpected(store_failure(*failure));
    if (!r) return std::unexpected(store_failure(r.error()));
    HttpResponse res = json_response(200, items);
    add_link_headers(res, ctx, req, *limit, next);
    return res;
}

R change_membership(RequestContext& ctx, bool add) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    auto d = run_document_command(ctx, kGroups, ctx.param("groupId"), Subject::Existing,
                                  membership(user->user.id, add, ctx.principal.user_id));
    if (!d) return std::unexpected(d.error());
    return empty_response(204);
}

R add_member(RequestContext& ctx, const HttpRequest&) { return change_membership(ctx, true); }
R remove_member(RequestContext& ctx, const HttpRequest&) { return change_membership(ctx, false); }

/// GET /api/v1/users/{userId}/groups: Everyone first, then the groups in the order the user
/// joined them (Okta gives no pages here).
R user_groups(RequestContext& ctx, const HttpRequest&) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    Json items = Json::array();
    auto everyone = ctx.app.documents.get(kGroups, domain::kEveryoneGroupId);
    if (!everyone) return std::unexpected(store_failure(everyone.error()));
    if (*everyone) items.push(render_group(ctx, **everyone, false));
    std::optional<eventstore::Error> failure;
    auto r = ctx.app.documents.related_ids(
        kGroupMembers, false, user->user.id, 0, [&](uint64_t, std::string_view gid) {
            auto g = ctx.app.documents.get(kGroups, gid);
            if (!g) {
                failure = g.error();
                return false;
            }
            if (*g) items.push(render_group(ctx, **g, false));  // deleted groups are skipped
            return true;
        });
    if (failure) return std::unexpected(store_failure(*failure));
    if (!r) return std::unexpected(store_failure(r.error()));
    return json_response(200, items);
}

}  // namespace

domain::Result<void> add_new_user_to_groups(eventstore::Transaction& tx,
                                            const std::vector<std::string>& group_ids,
                                            const std::string& user_id, const std::string& metadata,
                                            const std::string& actor) {
    for (const auto& gid : group_ids) {
        if (gid == domain::kEveryoneGroupId) continue;
        auto r = run_document_command_in(tx, kGroups, gid, Subject::Existing,
                                         membership(user_id, true, actor), metadata);
        if (!r) return std::unexpected(r.error());
    }
    return {};
}

domain::Result<bool> is_member(RequestContext& ctx, std::string_view group_id,
                               std::string_view user_id) {
    if (group_id == domain::kEveryoneGroupId) return true;
    auto group = ctx.app.documents.get(kGroups, group_id);
    if (!group) return std::unexpected(store_failure(group.error()));
    if (!*group) return false;
    auto member = ctx.app.documents.related(kGroupMembers, group_id, user_id);
    if (!member) return std::unexpected(store_failure(member.error()));
    return *member;
}

domain::Result<void> remove_from_all_groups(RequestContext& ctx, const std::string& user_id) {
    std::vector<std::string> groups;
    auto r = ctx.app.documents.related_ids(kGroupMembers, false, user_id, 0,
                                           [&](uint64_t, std::string_view gid) {
                                               groups.emplace_back(gid);
                                               return true;
                                           });
    if (!r) return std::unexpected(store_failure(r.error()));
    const std::string actor = ctx.principal.user_id;
    for (const auto& gid : groups) {
        auto d = run_document_command(ctx, kGroups, gid, Subject::Existing,
                                      membership(user_id, false, actor));
        if (!d && d.error().code != domain::ErrorCode::NotFound) return std::unexpected(d.error());
    }
    return {};
}

std::vector<Route> membership_routes() {
    using enum Exec;
    constexpr std::string_view kMember = "/api/v1/groups/{groupId}/users/{userId}";
    return {
        {"GET", "/api/v1/groups/{groupId}/users", "Group_listGroupUsers", "groups",
         need("okta.groups.read"), Query, list_members},
        {"PUT", kMember, "Group_assignUserToGroup", "groups", need("okta.groups.members.manage"),
         Blocking, add_member},
        {"DELETE", kMember, "Group_unassignUserFromGroup", "groups",
         need("okta.groups.members.manage"), Blocking, remove_member},
        {"GET", "/api/v1/users/{userId}/groups", "User_listUserGroups", "users",
         self_or("okta.users.read"), Blocking, user_groups},
    };
}

}  // namespace idledger::api::groups
