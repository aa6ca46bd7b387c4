#include "threats/threat_enforcement.hpp"

#include <optional>

#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/threat_insight.hpp"

namespace idledger::api::threat_insight {

namespace {

using domain::Json;

struct Judgement {
    std::string action = "none";
    bool excluded = false;
};

/// The configured action, and whether the client's address is in an excluded zone.
Judgement judge(RequestContext& ctx) {
    Judgement j;
    auto doc = ctx.app.documents.get(domain::kThreatInsight, std::string(domain::kThreatInsightId));
    if (!doc || !*doc) return j;
    j.action = (*doc)->state.string_at("action");
    if (j.action == "none" || ctx.remote_ip.empty()) return j;
    const Json* zones = (*doc)->state.find("excludeZones");
    if (!zones || !zones->is_array()) return j;
    for (const Json& id : zones->as_array()) {
        if (!id.is_string()) continue;
        auto zone = ctx.app.documents.get(domain::kNetworkZones, id.as_string());
        if (zone && *zone && (*zone)->state.string_at("status") == "ACTIVE" &&
            domain::zone_contains((*zone)->state, ctx.remote_ip)) {
            j.excluded = true;
            break;
        }
    }
    return j;
}

std::optional<std::string> on_block_list(RequestContext& ctx) {
    std::optional<std::string> found;
    (void)ctx.app.documents.scan(domain::kNetworkZones, 0, [&](const projections::Document& z) {
        if (z.state.string_at("usage") == "BLOCKLIST" && z.state.string_at("status") == "ACTIVE" &&
            domain::zone_contains(z.state, ctx.remote_ip)) {
            found = "The address is in the block list zone " + z.id;
            return false;
        }
        return true;
    });
    return found;
}

void log_detection(RequestContext& ctx, bool blocked, const std::string& reason) {
    ctx.app.security_log.record(blocked ? Refusal::ThreatBlocked : Refusal::ThreatAudited, reason,
                                blocked ? 403 : 200, blocked ? "E0000006" : "", ctx.remote_ip,
                                ctx.user_agent, ctx.request_id, "", "");
}

}  // namespace

domain::Result<void> screen_sign_in(RequestContext& ctx) {
    const Judgement j = judge(ctx);
    if (j.action == "none" || j.excluded) return {};
    std::optional<std::string> reason =
        ctx.app.threats.suspicion(ctx.remote_ip, ctx.app.clock.now_ms());
    if (!reason) reason = on_block_list(ctx);
    if (!reason) return {};
    const bool block = j.action == "block";
    log_detection(ctx, block, *reason);
    if (block) return std::unexpected(domain::Error{domain::ErrorCode::PermissionDenied, {}, {}});
    return {};
}

void learn_sign_in(RequestContext& ctx, const std::string& username, bool succeeded) {
    if (ctx.remote_ip.empty()) return;
    if (succeeded) {
        ctx.app.threats.succeeded(ctx.remote_ip, username);
        return;
    }
    auto flagged = ctx.app.threats.failed(ctx.remote_ip, username, ctx.app.clock.now_ms());
    if (!flagged) return;
    const Judgement j = judge(ctx);
    if (j.action == "none" || j.excluded) return;
    log_detection(ctx, false, *flagged);
}

}  // namespace idledger::api::threat_insight
