#include "core/documents_http.hpp"

#include <charconv>

#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "core/pagination.hpp"

namespace idledger::api {

domain::Result<projections::Document> find_document(RequestContext& ctx,
                                                    const domain::ResourceKind& kind,
                                                    const std::string& id) {
    auto d = ctx.app.documents.get(kind, id);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d) return domain::not_found(id, kind.name);
    return std::move(**d);
}

domain::Json document_json(const projections::Document& d) {
    domain::Json j = d.state;
    for (const char* k : {"created", "lastUpdated"})
        if (const domain::Json* v = j.find(k); v && v->is_int())
            j.set(k, domain::format_iso8601(v->as_int()));
    return j;
}

domain::Json hal_link(const std::string& href, std::initializer_list<std::string_view> allow) {
    domain::Json l = domain::Json::object();
    l.set("href", href);
    if (allow.size()) {
        domain::Json verbs = domain::Json::array();
        for (auto v : allow) verbs.push(std::string(v));
        domain::Json hints = domain::Json::object();
        hints.set("allow", std::move(verbs));
        l.set("hints", std::move(hints));
    }
    return l;
}

domain::Json with_lifecycle_links(const RequestContext& ctx, const projections::Document& d,
                                  std::string_view collection) {
    domain::Json j = document_json(d);
    const std::string self = ctx.base_url + std::string(collection) + "/" + d.id;
    domain::Json links = domain::Json::object();
    links.set("self", hal_link(self, {"GET", "PUT", "DELETE"}));
    if (d.state.string_at("status") == "ACTIVE")
        links.set("deactivate", hal_link(self + "/lifecycle/deactivate", {"POST"}));
    else
        links.set("activate", hal_link(self + "/lifecycle/activate", {"POST"}));
    j.set("_links", std::move(links));
    return j;
}

namespace {
using ExistingDecision = std::function<domain::Result<std::vector<domain::Event>>(
    const projections::Document&, eventstore::Transaction&)>;

domain::Result<DocumentCommandResult> run_on_existing(RequestContext& ctx,
                                                      const domain::ResourceKind& kind,
                                                      const std::string& id,
                                                      const ExistingDecision& decide) {
    return run_document_command(ctx, kind, id, Subject::Existing,
                                [&](const std::optional<projections::Document>& current,
                                    eventstore::Transaction& tx) { return decide(*current, tx); });
}
}  // namespace

domain::Result<projections::Document> create_document(
    RequestContext& ctx, const domain::ResourceKind& kind,
    const std::function<domain::Result<std::vector<domain::Event>>(
        const std::string& id, eventstore::Transaction&)>& decide) {
    const std::string id = new_document_id(ctx, kind);
    auto done = run_document_command(ctx, kind, id, Subject::New,
                                     [&](const std::optional<projections::Document>&,
                                         eventstore::Transaction& tx) { return decide(id, tx); });
    if (!done) return std::unexpected(done.error());
    if (!done->doc) return domain::fail(domain::ErrorCode::InternalError, "created nothing");
    return std::move(*done->doc);
}

domain::Result<projections::Document> change_document(RequestContext& ctx,
                                                      const domain::ResourceKind& kind,
                                                      const std::string& id,
                                                      const ExistingDecision& decide) {
    auto done = run_on_existing(ctx, kind, id, decide);
    if (!done) return std::unexpected(done.error());
    if (!done->doc) return domain::not_found(id, kind.name);
    return std::move(*done->doc);
}

domain::Result<void> delete_document(RequestContext& ctx, const domain::ResourceKind& kind,
                                     const std::string& id, const ExistingDecision& decide) {
    auto done = run_on_existing(ctx, kind, id, decide);
    if (!done) return std::unexpected(done.error());
    return {};
}

domain::Result<std::optional<domain::QueryNode>> filter_param(
    const HttpRequest& req, domain::Result<domain::QueryNode> (*parse)(std::string_view)) {
    const std::string* f = req.param("filter");
    if (!f || f->empty()) return std::optional<domain::QueryNode>{};
    auto parsed = parse(*f);
    if (!parsed) return std::unexpected(parsed.error());
    return std::optional<domain::QueryNode>(std::move(*parsed));
}

domain::Result<uint64_t> cursor_param(const HttpRequest& req) {
    uint64_t after = 0;
    if (const std::string* a = req.param("after"); a && !a->empty()) {
        auto r = std::from_chars(a->data(), a->data() + a->size(), after);
        if (r.ec != std::errc() || r.ptr != a->data() + a->size())
            return domain::fail(domain::ErrorCode::InvalidPaging, {},
                                {{"after: The cursor is not one this server gave out"}});
    }
    return after;
}

domain::Result<HttpResponse> document_page(
    RequestContext& ctx, const HttpRequest& req, const domain::ResourceKind& kind, size_t fallback,
    size_t max, const std::function<bool(const projections::Document&)>& keep,
    const std::function<domain::Json(const projections::Document&)>& render) {
    auto limit = read_limit(req, fallback, max);
    if (!limit) return std::unexpected(limit.error());
    auto cursor = cursor_param(req);
    if (!cursor) return std::unexpected(cursor.error());
    const uint64_t after = *cursor;
    domain::Json items = domain::Json::array();
    std::optional<std::string> next;
    uint64_t last_seq = after;
    size_t examined = 0;
    auto r = ctx.app.documents.scan(kind, after, [&](const projections::Document& d) {
        if (++examined > ctx.app.config.scan_bound) {
            // The scan bound: the page ends early; the cursor continues after the last one read.
            next = std::to_string(last_seq);
            return false;
        }
        if (!keep(d)) {
            last_seq = d.seq;
            return true;
        }
        if (items.as_array().size() == *limit) {
            next = std::to_string(last_seq);
            return false;
        }
        items.push(render(d));
        last_seq = d.seq;
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    HttpResponse res = json_response(200, items);
    add_link_headers(res, ctx, req, *limit, next);
    return res;
}

domain::Result<HttpResponse> relation_page(
    RequestContext& ctx, const HttpRequest& req, const domain::RelationKind& relation,
    const std::string& left, size_t fallback, size_t max,
    const std::function<domain::Result<std::optional<domain::Json>>(std::string_view other)>&
        render) {
    auto limit = read_limit(req, fallback, max);
    if (!limit) return std::unexpected(limit.error());
    auto after = cursor_param(req);
    if (!after) return std::unexpected(after.error());
    domain::Json items = domain::Json::array();
    std::optional<std::string> next;
    std::optional<domain::Error> failure;
    uint64_t last = *after;
    auto r = ctx.app.documents.related_ids(relation, true, left, *after,
                                           [&](uint64_t seq, std::string_view other) {
                                               if (items.as_array().size() == *limit) {
                                                   next = std::to_string(last);
                                                   return false;
                                               }
                                               auto item = render(other);
                                               if (!item) {
                                                   failure = item.error();
                                                   return false;
                                               }
                                               if (*item) items.push(std::move(**item));
                                               last = seq;
                                               return true;
                                           });
    if (failure) return std::unexpected(*failure);
    if (!r) return std::unexpected(store_failure(r.error()));
    HttpResponse res = json_response(200, items);
    add_link_headers(res, ctx, req, *limit, next);
    return res;
}

domain::Json iso_field(const domain::Json& data, std::string_view key) {
    const domain::Json* v = data.find(key);
    return v && v->is_int() ? domain::Json(domain::format_iso8601(v->as_int()))
                            : domain::Json(nullptr);
}

std::string new_document_id(RequestContext& ctx, const domain::ResourceKind& kind) {
    return ctx.app.ids.next(kind.id_prefix);
}

}  // namespace idledger::api
