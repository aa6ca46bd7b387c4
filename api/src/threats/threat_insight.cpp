#include "threats/threat_insight.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/threat_insight.hpp"

namespace idledger::api::threat_insight {

using domain::Json;
using domain::kThreatInsight;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

const std::string kId(domain::kThreatInsightId);

/// When the org was created: the configuration exists from then, with action "none".
domain::Millis org_created(RequestContext& ctx) {
    auto first = ctx.app.store.read_stream("org", 1, 1);
    return first && !first->empty() ? first->front().timestamp_ms : 0;
}

HttpResponse render(const RequestContext& ctx, const Json& state) {
    Json j = document_json(pj::Document{kId, 0, 0, state});
    Json links = Json::object();
    links.set("self", hal_link(ctx.base_url + "/api/v1/threats/configuration", {"GET", "POST"}));
    j.set("_links", std::move(links));
    return json_response(200, j);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = ctx.app.documents.get(kThreatInsight, kId);
    if (!d) return std::unexpected(store_failure(d.error()));
    return render(ctx, *d ? (*d)->state : domain::default_threat_insight(org_created(ctx)));
}

R update(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const domain::Millis created = org_created(ctx);
    // The configuration exists from the org's creation: the first change creates its document.
    auto done = run_document_command(
        ctx, kThreatInsight, kId, Subject::Either,
        [&](const std::optional<pj::Document>& doc,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto zone = [&tx](const std::string& id) -> std::optional<Json> {
                auto z = pj::load_document(tx, domain::kNetworkZones, id);
                if (!z || !*z) return std::nullopt;
                return (*z)->state;
            };
            return domain::decide_threat_insight(doc ? std::optional(doc->state) : std::nullopt,
                                                 *body, zone, created);
        });
    if (!done) return std::unexpected(done.error());
    return render(ctx, done->doc ? done->doc->state : domain::default_threat_insight(created));
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"GET", "/api/v1/threats/configuration", "ThreatInsight_getCurrentConfiguration", "threats",
         need("okta.threatInsights.read"), Inline, get},
        {"POST", "/api/v1/threats/configuration", "ThreatInsight_updateConfiguration", "threats",
         need("okta.threatInsights.manage"), Blocking, update},
    };
}

}  // namespace idledger::api::threat_insight
