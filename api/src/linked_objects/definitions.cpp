// Linked-object definitions: create (201), list, get and delete by either name.

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/linked_object.hpp"
#include "linked_objects/linked_objects.hpp"

namespace idledger::api::linked_objects {

using domain::Json;
using domain::kLinkedObjects;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/meta/schemas/user/linkedObjects";

Json render(const RequestContext& ctx, const pj::Document& d) {
    Json j = Json::object();
    for (const char* side : {"primary", "associated"})
        if (const Json* s = d.state.find(side)) j.set(side, *s);
    Json links = Json::object();
    links.set("self", hal_link(ctx.base_url + std::string(kCollection) + "/" + d.id));
    j.set("_links", std::move(links));
    return j;
}

/// The definition named `name` on either side, or 404 E0000007 (LinkedObject).
domain::Result<pj::Document> by_name(RequestContext& ctx, const std::string& name) {
    auto d = ctx.app.documents.by_unique(kLinkedObjects, "name", name);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d) return domain::not_found(name, kLinkedObjects.name);
    return std::move(**d);
}

R list(RequestContext& ctx, const HttpRequest&) {
    Json items = Json::array();
    auto r = ctx.app.documents.scan(kLinkedObjects, 0, [&](const pj::Document& d) {
        items.push(render(ctx, d));
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    return json_response(200, items);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = by_name(ctx, ctx.param("linkedObjectName"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    size_t defined = 0;
    auto counted = ctx.app.documents.scan(kLinkedObjects, 0, [&](const pj::Document&) {
        return ++defined < domain::kMaxLinkedObjectDefinitions;
    });
    if (!counted) return std::unexpected(store_failure(counted.error()));
    if (defined >= domain::kMaxLinkedObjectDefinitions)
        return domain::validation("linkedObjects",
                                  "linkedObjects: An org has at most 200 linked object "
                                  "definitions");
    const Json* primary = body->find("primary");
    const std::string id = primary && primary->is_object() ? primary->string_at("name") : "";
    const std::string actor = ctx.principal.user_id;
    auto done = run_document_command(
        ctx, kLinkedObjects, id, Subject::Either,
        [&](const std::optional<pj::Document>&,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto def = domain::linked_object_definition(*body, unique_lookup(tx, kLinkedObjects));
            if (!def) return std::unexpected(def.error());
            return domain::decide_linked_object_create(*def, actor);
        });
    if (!done) return std::unexpected(done.error());
    if (!done->doc) return domain::fail(domain::ErrorCode::InternalError, "created nothing");
    return json_response(201, render(ctx, *done->doc));
}

R remove(RequestContext& ctx, const HttpRequest&) {
    auto d = by_name(ctx, ctx.param("linkedObjectName"));
    if (!d) return std::unexpected(d.error());
    const std::string actor = ctx.principal.user_id;
    auto done = delete_document(
        ctx, kLinkedObjects, d->id,
        [&](const pj::Document&,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_linked_object_delete(actor);
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/meta/schemas/user/linkedObjects/{linkedObjectName}";
    std::vector<Route> out = {
        {"GET", kCollection, "LinkedObject_listLinkedObjectDefinitions", "schemas",
         need("okta.linkedObjects.read"), Blocking, list},
        {"POST", kCollection, "LinkedObject_createLinkedObjectDefinition", "schemas",
         need("okta.linkedObjects.manage"), Blocking, create},
        {"GET", kOne, "LinkedObject_getLinkedObjectDefinition", "schemas",
         need("okta.linkedObjects.read"), Blocking, get},
        {"DELETE", kOne, "LinkedObject_deleteLinkedObjectDefinition", "schemas",
         need("okta.linkedObjects.manage"), Blocking, remove},
    };
    auto links = link_routes();
    out.insert(out.end(), links.begin(), links.end());
    return out;
}

}  // namespace idledger::api::linked_objects
