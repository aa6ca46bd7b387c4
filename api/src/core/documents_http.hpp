#pragma once
// What handlers of kit resources share: finding a document, its JSON with Okta's dates, HAL
// links, fresh ids.

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/context.hpp"
#include "idledger/domain/resource.hpp"
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

/// One page of a kit resource's list in creation order: `limit` (default `fallback`, at most
/// `max`; bad -> 400 E0000029), the opaque cursor `after`, and Link headers (`next` only when
/// more follow). Documents `keep` refuses are skipped; `render` makes each one's JSON.
domain::Result<HttpResponse> document_page(
    RequestContext& ctx, const HttpRequest& req, const domain::ResourceKind& kind, size_t fallback,
    size_t max, const std::function<bool(const projections::Document&)>& keep,
    const std::function<domain::Json(const projections::Document&)>& render);

/// A fresh id for a document of `kind` (its Okta prefix + 17 base62 characters).
std::string new_document_id(RequestContext& ctx, const domain::ResourceKind& kind);

}  // namespace idledger::api
