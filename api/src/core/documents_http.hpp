#pragma once
// What handlers of kit resources share: finding a document, its JSON with Okta's dates, HAL
// links, fresh ids.

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/context.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/projections/documents.hpp"

namespace idledger::api {

/// The document `id` of `kind`, or 404 E0000007 naming the kind.
domain::Result<projections::Document> find_document(RequestContext& ctx,
                                                    const domain::ResourceKind& kind,
                                                    const std::string& id);

/// The stored state with `created` and `lastUpdated` as ISO-8601 (they are kept as epoch ms).
domain::Json document_json(const projections::Document& d);

/// A HAL link `{href, hints: {allow: [...]}}` (no hints when `allow` is empty).
domain::Json hal_link(const std::string& href, std::initializer_list<std::string_view> allow = {});

/// The document's JSON with `_links`: `self` (GET, PUT, DELETE) at `collection` + "/" + id and,
/// by its status, `deactivate` or `activate` (POST).
domain::Json with_lifecycle_links(const RequestContext& ctx, const projections::Document& d,
                                  std::string_view collection);

/// Creates a document of `kind` under a fresh id; `decide(id, tx)` gives its events.
domain::Result<projections::Document> create_document(
    RequestContext& ctx, const domain::ResourceKind& kind,
    const std::function<domain::Result<std::vector<domain::Event>>(
        const std::string& id, eventstore::Transaction&)>& decide);

/// Runs `decide` on the existing document `id` and returns the document after it.
domain::Result<projections::Document> change_document(
    RequestContext& ctx, const domain::ResourceKind& kind, const std::string& id,
    const std::function<domain::Result<std::vector<domain::Event>>(
        const projections::Document&, eventstore::Transaction&)>& decide);
/// Runs the deleting `decide` on the existing document `id`.
domain::Result<void> delete_document(
    RequestContext& ctx, const domain::ResourceKind& kind, const std::string& id,
    const std::function<domain::Result<std::vector<domain::Event>>(
        const projections::Document&, eventstore::Transaction&)>& decide);

/// The `filter` query parameter parsed by `parse` (nullopt when absent or empty).
domain::Result<std::optional<domain::QueryNode>> filter_param(
    const HttpRequest& req, domain::Result<domain::QueryNode> (*parse)(std::string_view));

/// The opaque cursor `after` of kit lists (a creation position; 0 when absent): 400 E0000029
/// when it is not one this server gave out.
domain::Result<uint64_t> cursor_param(const HttpRequest& req);

/// One page of a kit resource's list in creation order: `limit` (default `fallback`, at most
/// `max`; bad -> 400 E0000029), the opaque cursor `after`, and Link headers (`next` only when
/// more follow). Documents `keep` refuses are skipped; `render` makes each one's JSON. A page
/// examines at most AppConfig::scan_bound documents, then ends early with a cursor.
domain::Result<HttpResponse> document_page(
    RequestContext& ctx, const HttpRequest& req, const domain::ResourceKind& kind, size_t fallback,
    size_t max, const std::function<bool(const projections::Document&)>& keep,
    const std::function<domain::Json(const projections::Document&)>& render);

/// One page of `left`'s links in `relation`, in the order they were made: `limit` (default
/// `fallback`, at most `max`), the opaque cursor `after`, Link headers. `render(other)` gives a
/// link's JSON, or nullopt to skip it (its other side is gone).
domain::Result<HttpResponse> relation_page(
    RequestContext& ctx, const HttpRequest& req, const domain::RelationKind& relation,
    const std::string& left, size_t fallback, size_t max,
    const std::function<domain::Result<std::optional<domain::Json>>(std::string_view other)>&
        render);

/// The ISO-8601 text of `data[key]` kept as epoch ms (a link's `created`), or null.
domain::Json iso_field(const domain::Json& data, std::string_view key);

/// A fresh id for a document of `kind` (its Okta prefix + 17 base62 characters).
std::string new_document_id(RequestContext& ctx, const domain::ResourceKind& kind);

}  // namespace idledger::api
