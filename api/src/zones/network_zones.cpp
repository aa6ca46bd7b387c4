#include "zones/network_zones.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/threat_insight.hpp"

namespace idledger::api::network_zones {

using domain::Json;
using domain::kNetworkZones;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

constexpr std::string_view kCollection = "/api/v1/zones";

Json render(const RequestContext& ctx, const pj::Document& d) {
    return with_lifecycle_links(ctx, d, kCollection);
}

R list(RequestContext& ctx, const HttpRequest& req) {
    auto filter = filter_param(req, domain::parse_zone_filter);
    if (!filter) return std::unexpected(filter.error());
    return document_page(
        ctx, req, kNetworkZones, 20, 200,
        [&](const pj::Document& d) { return !*filter || domain::matches_json(**filter, d.state); },
        [&](const pj::Document& d) { return render(ctx, d); });
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, kNetworkZones, ctx.param("zoneId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto d = create_document(
        ctx, kNetworkZones,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content = domain::zone_content(*body, unique_lookup(tx, kNetworkZones));
            if (!content) return std::unexpected(content.error());
            return domain::decide_zone_create(id, *content);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string id = ctx.param("zoneId");
    auto d = change_document(
        ctx, kNetworkZones, id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto content = domain::zone_content(*body, unique_lookup(tx, kNetworkZones), id);
            if (!content) return std::unexpected(content.error());
            return domain::decide_zone_update(current.state, *content);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R set_status(RequestContext& ctx, bool active) {
    auto d = change_document(
        ctx, kNetworkZones, ctx.param("zoneId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_zone_status(current.state, active);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R activate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, true); }
R deactivate(RequestContext& ctx, const HttpRequest&) { return set_status(ctx, false); }

R remove(RequestContext& ctx, const HttpRequest&) {
    const std::string id = ctx.param("zoneId");
    auto done = delete_document(
        ctx, kNetworkZones, id,
        [&](const pj::Document& current,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto excluding = pj::group_members(tx, domain::kThreatInsight, "excludes", id);
            if (!excluding) return std::unexpected(store_failure(excluding.error()));
            return domain::decide_zone_delete(current.state, !excluding->empty());
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kAll = kCollection;
    constexpr std::string_view kOne = "/api/v1/zones/{zoneId}";
    return {
        {"GET", kAll, "NetworkZone_listNetworkZones", "zones", need("okta.networkZones.read"),
         Blocking, list},
        {"POST", kAll, "NetworkZone_createNetworkZone", "zones", need("okta.networkZones.manage"),
         Blocking, create},
        {"GET", kOne, "NetworkZone_getNetworkZone", "zones", need("okta.networkZones.read"), Inline,
         get},
        {"PUT", kOne, "NetworkZone_replaceNetworkZone", "zones", need("okta.networkZones.manage"),
         Blocking, replace},
        {"DELETE", kOne, "NetworkZone_deleteNetworkZone", "zones", need("okta.networkZones.manage"),
         Blocking, remove},
        {"POST", "/api/v1/zones/{zoneId}/lifecycle/activate", "NetworkZone_activateNetworkZone",
         "zones", need("okta.networkZones.manage"), Blocking, activate},
        {"POST", "/api/v1/zones/{zoneId}/lifecycle/deactivate", "NetworkZone_deactivateNetworkZone",
         "zones", need("okta.networkZones.manage"), Blocking, deactivate},
    };
}

}  // namespace idledger::api::network_zones
