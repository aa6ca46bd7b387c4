#include "idledger/domain/log_event.hpp"

#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/resource.hpp"

namespace idledger::domain {
namespace {

// Users' and the security log's events -> Okta's System Log event types. The resources built
// with the kit bring their own rows (ResourceKind::events).
constexpr LogMapping kMappings[] = {
    {"UserCreated", "user.lifecycle.create", "Create Okta user", "User"},
    {"UserActivated", "user.lifecycle.activate", "Activate Okta user", "User"},
    {"UserReactivated", "user.lifecycle.reactivate", "Reactivate Okta user", "User"},
    {"UserDeactivated", "user.lifecycle.deactivate", "Deactivate Okta user", "User"},
    {"UserSuspended", "user.lifecycle.suspend", "Suspend Okta user", "User"},
    {"UserUnsuspended", "user.lifecycle.unsuspend", "Unsuspend Okta user", "User"},
    {"UserDeleted", "user.lifecycle.delete.completed", "Delete Okta user", "User"},
    {"UserProfileReplaced", "user.account.update_profile", "Update user profile for Okta", "User"},
    {"UserTypeChanged", "user.account.update_user_type", "Update user type", "User"},
    {"UserPasswordSet", "user.account.update_password", "Update password for Okta user", "User"},
    {"UserRecoveryQuestionSet", "user.account.update_password",
     "Update recovery question for Okta user", "User"},
    {"UserPasswordReset", "user.account.reset_password", "Reset Okta user password", "User"},
    {"UserConvertedToFederated", "user.account.reset_password",
     "Reset Okta user password: converted to a federated user", "User"},
    {"UserForgotPasswordRequested", "user.account.reset_password", "Forgot password requested",
     "User"},
    {"UserPasswordExpired", "user.account.expire_password", "Expire Okta user password", "User"},
    {"UserUnlocked", "user.account.unlock_by_admin", "Unlock Okta user", "User"},
    {"UserFactorsReset", "user.mfa.factor.reset_all", "Reset all factors for user", "User"},
    {"UserRoleGranted", "user.account.privilege.grant", "Grant user privilege", "User"},
    {"UserRoleRevoked", "user.account.privilege.revoke", "Revoke user privilege", "User"},
    {"UserSignedIn", "user.session.start", "User login to Okta", "User"},
    {"UserSignInFailed", "user.session.start", "User login to Okta", "User"},
    {"UserLockedOut", "user.account.lock", "Max sign in attempts exceeded", "User"},
    {"UserEmailFailed", "system.email.delivery", "Email delivery failed", "User"},
    {"SecurityAuthenticationRefused", "security.request.blocked",
     "Request refused: authentication failed", ""},
    {"SecurityAuthorizationRefused", "security.request.blocked", "Request refused: not permitted",
     ""},
    {"SecurityRateLimitViolated", "system.org.rate_limit.violation", "Rate limit violation", ""},
    {"SecurityThreatAudited", "security.threat.detected", "Request from suspicious actor", ""},
    {"SecurityThreatBlocked", "security.threat.detected", "Request from suspicious actor", ""},
};

Json subject(const LogSubject& s) {
    Json j = Json::object();
    j.add("id", s.id);
    j.add("type", s.type);
    j.add("alternateId", s.alternate_id.empty() ? Json("unknown") : Json(s.alternate_id));
    j.add("displayName", s.display_name.empty() ? Json("unknown") : Json(s.display_name));
    j.add("detailEntry", nullptr);
    return j;
}

}  // namespace

std::string log_actor_id(const EventMetadata& m) {
    if (m.actor_id.empty()) return "system";
    return m.actor_id;
}

const LogMapping* log_mapping(std::string_view event_type) {
    for (const auto& m : kMappings)
        if (m.event_type == event_type) return &m;
    static const std::vector<LogMapping> kKitMappings = [] {
        std::vector<LogMapping> out;
        for (const ResourceKind* k : resource_kinds())
            for (const EventType& t : k->events)
                out.push_back({t.name, t.okta_event_type, t.display_message, k->log_target_type});
        return out;
    }();
    for (const auto& m : kKitMappings)
        if (m.event_type == event_type) return &m;
    return nullptr;
}

std::string log_uuid(uint64_t position) {
    std::string h = token_digest("idledger-log-event-" + std::to_string(position));
    h[12] = '8';  // UUID version 8 (custom), variant 10xx
    h[16] = "89ab"[h[16] % 4];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

Json to_log_event(const LogEventInput& in) {
    const bool job = in.metadata.request_id.empty() || in.metadata.actor_id == "system";
    Json e = Json::object();
    e.add("uuid", log_uuid(in.position));
    e.add("published", format_iso8601(in.published));
    e.add("eventType", in.mapping->okta_event_type);
    e.add("version", "0");
    e.add("severity", "INFO");
    e.add("legacyEventType", nullptr);
    e.add("displayMessage", in.mapping->display_message);
    e.add("actor", subject(in.actor));

    Json ua = Json::object();
    ua.add("rawUserAgent",
           in.metadata.user_agent.empty() ? Json(nullptr) : Json(in.metadata.user_agent));
    ua.add("os", "Unknown");
    ua.add("browser", "UNKNOWN");
    Json client = Json::object();
    client.add("userAgent", std::move(ua));
    client.add("zone", nullptr);
    client.add("device", "Unknown");
    client.add("id", nullptr);
    client.add("ipAddress", in.metadata.ip.empty() ? Json(nullptr) : Json(in.metadata.ip));
    client.add("geographicalContext", nullptr);
    e.add("client", std::move(client));

    Json outcome = Json::object();
    outcome.add("result", in.outcome_result);
    outcome.add("reason", in.outcome_reason.empty() ? Json(nullptr) : Json(in.outcome_reason));
    e.add("outcome", std::move(outcome));

    Json targets = Json::array();
    if (in.target) {
        Json t = subject(*in.target);
        if (in.change_from || in.change_to) {
            Json cd = Json::object();
            cd.add("from", in.change_from.value_or(Json::object()));
            cd.add("to", in.change_to.value_or(Json::object()));
            t.add("changeDetails", std::move(cd));
        }
        targets.push(std::move(t));
    }
    e.add("target", std::move(targets));

    Json detail = Json::object();
    if (in.refused_earlier) detail.add("refusedEarlierInPreviousWindow", *in.refused_earlier);
    if (!in.metadata.token_id.empty()) detail.add("requestApiTokenId", in.metadata.token_id);
    Json tx = Json::object();
    tx.add("type", job ? "JOB" : "WEB");
    tx.add("id", in.metadata.request_id.empty() ? Json(nullptr) : Json(in.metadata.request_id));
    tx.add("detail", std::move(detail));
    e.add("transaction", std::move(tx));

    Json debug_data = Json::object();
    debug_data.add("requestId",
                   in.metadata.request_id.empty() ? Json(nullptr) : Json(in.metadata.request_id));
    debug_data.add("logPosition", int64_t(in.position));
    Json debug = Json::object();
    debug.add("debugData", std::move(debug_data));
    e.add("debugContext", std::move(debug));

    Json authn = Json::object();
    for (const char* k : {"authenticationProvider", "credentialProvider", "credentialType",
                          "issuer", "interface", "externalSessionId"})
        authn.add(k, nullptr);
    authn.add("authenticationStep", 0);
    e.add("authenticationContext", std::move(authn));

    Json security = Json::object();
    for (const char* k : {"asNumber", "asOrg", "isp", "domain", "isProxy"})
        security.add(k, nullptr);
    e.add("securityContext", std::move(security));

    Json hop = Json::object();
    hop.add("ip", in.metadata.ip.empty() ? Json(nullptr) : Json(in.metadata.ip));
    hop.add("geographicalContext", nullptr);
    hop.add("version", in.metadata.ip.find(':') == std::string::npos ? "V4" : "V6");
    hop.add("source", nullptr);
    Json request = Json::object();
    Json chain = Json::array();
    if (!in.metadata.ip.empty()) chain.push(std::move(hop));
    request.add("ipChain", std::move(chain));
    e.add("request", std::move(request));
    return e;
}

}  // namespace idledger::domain
