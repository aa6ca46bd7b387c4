// Groups: create, read, list (q, filter, search, expand=stats), replace, delete.

#include "groups/groups.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::api::groups {

using domain::Json;
using domain::kGroups;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/groups";

/// The document the list's filter and search are evaluated against: the Group JSON's fields.
Json query_view(const pj::Document& d) {
    Json j = document_json(d);
    if (const Json* v = j.find("lastMembershipUpdated"); v && v->is_int())
        j.set("lastMembershipUpdated", domain::format_iso8601(v->as_int()));
    return j;
}

bool wants_stats(const HttpRequest& req) {
    const std::string* e = req.param("expand");
    return e && *e == "stats";
}

R list(RequestContext& ctx, const HttpRequest& req) {
    if (req.param("filter") && req.param("search"))
        return domain::fail(domain::ErrorCode::SearchAndFilter);
    auto filter = filter_param(req, domain::parse_group_filter);
    if (!filter) return std::unexpected(filter.error());
    std::optional<domain::QueryNode> search;
    if (const std::string* s = req.param("search"); s && !s->empty()) {
        auto parsed = domain::parse_group_search(*s);
        if (!parsed) return std::unexpected(parsed.error());
        search = std::move(*parsed);
    }
    const std::string q = req.param("q") ? domain::normalize_login(*req.param("q")) : "";
    const bool stats = wants_stats(req);
    return document_page(
        ctx, req, kGroups, 10'000, 10'000,
        [&](const pj::Document& d) {
            if (!q.empty()) {
                const Json* p = d.state.find("profile");
                if (!p || !domain::normalize_login(p->string_at("name")).starts_with(q))
                    return false;
            }
            if (!*filter && !search) return true;
            const Json view = query_view(d);
            return (!*filter || domain::matches_json(**filter, view)) &&
                   (!search || domain::matches_json(*search, view));
        },
        [&](const pj::Document& d) { return render_group(ctx, d, stats); });
}

R get(RequestContext& ctx, const HttpRequest& req) {
    auto d = find_document(ctx, kGroups, ctx.param("groupId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_group(ctx, *d, wants_stats(req)));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string actor = ctx.principal.user_id;
    auto d = create_document(
        ctx, kGroups,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto profile = domain::group_profile(*body, unique_lookup(tx, kGroups));
            if (!profile) return std::unexpected(profile.error());
            return domain::decide_group_create(id, "OKTA_GROUP", *profile, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_group(ctx, *d, false));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string id = ctx.param("groupId");
    const std::string actor = ctx.principal.user_id;
    auto d = change_document(
        ctx, kGroups, id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            if (current.state.string_at("type") == "BUILT_IN")
                return domain::decide_group_update(current.state, Json::object(), actor);
            auto profile = domain::group_profile(*body, unique_lookup(tx, kGroups), id);
            if (!profile) return std::unexpected(profile.error());
            return domain::decide_group_update(current.state, *profile, actor);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_group(ctx, *d, false));
}

R remove(RequestContext& ctx, const HttpRequest&) {
    auto done =
        delete_document(ctx, kGroups, ctx.param("groupId"),
                        [](const pj::Document& current,
                           eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                            return domain::decide_group_delete(current.state);
                        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

Json render_group(RequestContext& ctx, const pj::Document& d, bool stats) {
    Json j = query_view(d);
    const std::string self = ctx.base_url + std::string(kCollection) + "/" + d.id;
    Json links = Json::object();
    Json logos = Json::array();
    for (const char* size : {"medium", "large"}) {
        Json logo = Json::object();
        logo.set("name", size);
        logo.set("href", ctx.base_url + "/assets/img/logos/groups/okta-" + size + ".png");
        logo.set("type", "image/png");
        logos.push(std::move(logo));
    }
    links.set("logo", std::move(logos));
    links.set("self", hal_link(self));
    links.set("users", hal_link(self + "/users"));
    links.set("apps", hal_link(self + "/apps"));
    j.set("_links", std::move(links));
    if (stats) {
        uint64_t members = 0;
        if (d.state.string_at("type") == "BUILT_IN") {
            auto n = ctx.app.reader.user_count();
            members = n ? *n : 0;
        } else {
            auto n = ctx.app.documents.relation_count(domain::kGroupMembers, d.id);
            members = n ? *n : 0;
        }
        Json s = Json::object();
        s.set("usersCount", int64_t(members));
        s.set("appsCount", 0);
        s.set("groupPushMappingsCount", 0);
        s.set("hasAdminPrivilege", false);
        Json embedded = Json::object();
        embedded.set("stats", std::move(s));
        j.set("_embedded", std::move(embedded));
    }
    return j;
}

domain::Result<void> ensure_everyone_in(eventstore::Transaction& tx, const std::string& metadata) {
    auto r = run_document_command_in(
        tx, kGroups, std::string(domain::kEveryoneGroupId), Subject::Either,
        [](const std::optional<pj::Document>& current,
           eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            if (current) return std::vector<domain::Event>{};
            Json profile = Json::object();
            profile.set("name", "Everyone");
            profile.set("description", "All users in your organization");
            return domain::decide_group_create(std::string(domain::kEveryoneGroupId), "BUILT_IN",
                                               profile, "system");
        },
        metadata);
    if (!r) return std::unexpected(r.error());
    return {};
}

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/groups/{groupId}";
    std::vector<Route> out = {
        {"GET", kCollection, "Group_listGroups", "groups", need("okta.groups.read"), Query, list},
        {"POST", kCollection, "Group_addGroup", "groups", need("okta.groups.create"), Blocking,
         create},
        {"GET", kOne, "Group_getGroup", "groups", need("okta.groups.read"), Inline, get},
        {"PUT", kOne, "Group_replaceGroup", "groups", need("okta.groups.manage"), Blocking,
         replace},
        {"DELETE", kOne, "Group_deleteGroup", "groups", need("okta.groups.manage"), Blocking,
         remove},
    };
    auto members = membership_routes();
    out.insert(out.end(), members.begin(), members.end());
    return out;
}

}  // namespace idledger::api::groups
