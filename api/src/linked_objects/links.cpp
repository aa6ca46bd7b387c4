// A user's links: PUT /users/{associated}/linkedObjects/{primaryName}/{primary} (204),
// GET /users/{id}/linkedObjects/{name} for either side (the associated side paged), and
// DELETE /users/{id}/linkedObjects/{primaryName} (204).

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/linked_object.hpp"
#include "linked_objects/linked_objects.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::linked_objects {

using domain::Json;
using domain::kLinkedObjects;
using domain::kObjectLinks;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

/// The definition named `name` and whether `name` is its primary side; 404 E0000007
/// (LinkedObject) when no definition has that name.
domain::Result<std::pair<pj::Document, bool>> definition(RequestContext& ctx,
                                                         const std::string& name) {
    auto d = ctx.app.documents.by_unique(kLinkedObjects, "name", name);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d) return domain::not_found(name, kLinkedObjects.name);
    const Json* primary = (*d)->state.find("primary");
    const bool is_primary = primary && primary->string_at("name") == name;
    return std::pair{std::move(**d), is_primary};
}

/// Links are made and removed by the primary name: the associated name is refused.
domain::Result<pj::Document> primary_definition(RequestContext& ctx, const std::string& name) {
    auto d = definition(ctx, name);
    if (!d) return std::unexpected(d.error());
    if (!d->second)
        return domain::validation(
            "primaryRelationshipName",
            "primaryRelationshipName: '" + name +
                "' is an associated name; links are set and removed with the primary name");
    return std::move(d->first);
}

Json user_link(const RequestContext& ctx, const std::string& user_id) {
    Json self = Json::object();
    self.set("href", ctx.base_url + "/api/v1/users/" + user_id);
    Json links = Json::object();
    links.set("self", std::move(self));
    Json j = Json::object();
    j.set("_links", std::move(links));
    return j;
}

/// Changes the primary of `associated_id` in definition `def` (204): `decide` gets the
/// associated user's side and the primary side it points to now, if any.
using PrimaryChange = std::function<std::vector<domain::Event>(
    const pj::Document& def, const std::string& associated_side,
    const std::optional<std::string>& primary_now)>;

R change_primary(RequestContext& ctx, const std::string& def_id, const std::string& associated_id,
                 const PrimaryChange& decide) {
    auto done = run_document_command(
        ctx, kLinkedObjects, def_id, Subject::Existing,
        [&](const std::optional<pj::Document>& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            const std::string right = domain::link_side(current->id, current->seq, associated_id);
            auto now = pj::left_of(tx, kObjectLinks, right);
            if (!now) return std::unexpected(store_failure(now.error()));
            return decide(*current, right, *now);
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

R set_link(RequestContext& ctx, const HttpRequest&) {
    auto associated = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!associated) return std::unexpected(associated.error());
    auto def = primary_definition(ctx, ctx.param("primaryRelationshipName"));
    if (!def) return std::unexpected(def.error());
    auto primary = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("primaryUserId")));
    if (!primary) return std::unexpected(primary.error());
    const std::string actor = ctx.principal.user_id;
    const std::string p = primary->user.id;
    return change_primary(ctx, def->id, associated->user.id,
                          [&](const pj::Document& d, const std::string& right, const auto& now) {
                              return domain::decide_link(domain::link_side(d.id, d.seq, p), right,
                                                         now, actor);
                          });
}

R remove_link(RequestContext& ctx, const HttpRequest&) {
    auto associated = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!associated) return std::unexpected(associated.error());
    auto def = primary_definition(ctx, ctx.param("primaryRelationshipName"));
    if (!def) return std::unexpected(def.error());
    const std::string actor = ctx.principal.user_id;
    return change_primary(ctx, def->id, associated->user.id,
                          [&](const pj::Document&, const std::string& right, const auto& now) {
                              return domain::decide_unlink(now.value_or(""), right, now.has_value(),
                                                           actor);
                          });
}

/// By the primary name: the user's one primary ([] or one entry). By the associated name: the
/// users whose primary it is, in the order linked, `limit` (200, at most 1000) and `after`.
R get_links(RequestContext& ctx, const HttpRequest& req) {
    auto user = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!user) return std::unexpected(user.error());
    auto def = definition(ctx, ctx.param("relationshipName"));
    if (!def) return std::unexpected(def.error());
    const pj::Document& d = def->first;
    const std::string side = domain::link_side(d.id, d.seq, user->user.id);
    Json items = Json::array();
    if (def->second) {
        auto left = ctx.app.documents.left_of(kObjectLinks, side);
        if (!left) return std::unexpected(store_failure(left.error()));
        if (*left) items.push(user_link(ctx, domain::user_of_side(**left)));
        return json_response(200, items);
    }
    return relation_page(ctx, req, kObjectLinks, side, 200, 1000,
                         [&](std::string_view right) -> domain::Result<std::optional<Json>> {
                             return std::optional(user_link(ctx, domain::user_of_side(right)));
                         });
}

}  // namespace

domain::Result<void> remove_links_of_user(RequestContext& ctx, const std::string& user_id) {
    std::vector<pj::Document> defs;
    auto r = ctx.app.documents.scan(kLinkedObjects, 0, [&](const pj::Document& d) {
        defs.push_back(d);
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    const std::string actor = ctx.principal.user_id;
    for (const auto& def : defs) {
        const std::string side = domain::link_side(def.id, def.seq, user_id);
        // As a primary: every associated user's link to it.
        std::vector<std::string> associated;
        auto scanned = ctx.app.documents.related_ids(kObjectLinks, true, side, 0,
                                                     [&](uint64_t, std::string_view right) {
                                                         associated.emplace_back(right);
                                                         return true;
                                                     });
        if (!scanned) return std::unexpected(store_failure(scanned.error()));
        auto has_primary = ctx.app.documents.left_of(kObjectLinks, side);
        if (!has_primary) return std::unexpected(store_failure(has_primary.error()));
        if (associated.empty() && !*has_primary) continue;  // no link here: no command
        auto done = run_document_command(
            ctx, kLinkedObjects, def.id, Subject::Either,
            [&](const std::optional<pj::Document>& current,
                eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
                std::vector<domain::Event> out;
                if (!current || current->seq != def.seq) return out;  // deleted since
                auto primary = pj::left_of(tx, kObjectLinks, side);
                if (!primary) return std::unexpected(store_failure(primary.error()));
                if (*primary)
                    for (auto& e : domain::decide_unlink(**primary, side, true, actor))
                        out.push_back(std::move(e));
                for (const auto& right : associated) {
                    auto linked = pj::related(tx, kObjectLinks, side, right);
                    if (!linked) return std::unexpected(store_failure(linked.error()));
                    for (auto& e : domain::decide_unlink(side, right, *linked, actor))
                        out.push_back(std::move(e));
                }
                return out;
            });
        if (!done) return std::unexpected(done.error());
    }
    return {};
}

std::vector<Route> link_routes() {
    using enum Exec;
    return {
        {"PUT", "/api/v1/users/{userId}/linkedObjects/{primaryRelationshipName}/{primaryUserId}",
         "User_setLinkedObjectForUser", "users", need("okta.users.manage"), Blocking, set_link},
        {"GET", "/api/v1/users/{userId}/linkedObjects/{relationshipName}",
         "User_getLinkedObjectsForUser", "users", self_or("okta.users.read"), Blocking, get_links},
        {"DELETE", "/api/v1/users/{userId}/linkedObjects/{primaryRelationshipName}",
         "User_deleteLinkedObjectForUser", "users", need("okta.users.manage"), Blocking,
         remove_link},
    };
}

}  // namespace idledger::api::linked_objects
