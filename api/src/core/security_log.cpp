#include "core/security_log.hpp"

#include <utility>

#include "idledger/domain/event_codec.hpp"

namespace idledger::api {

namespace {
constexpr domain::Millis kWindow = 60'000;

const char* event_type(Refusal kind) {
    switch (kind) {
        case Refusal::Authentication:
            return "SecurityAuthenticationRefused";
        case Refusal::Authorization:
            return "SecurityAuthorizationRefused";
        case Refusal::RateLimit:
            return "SecurityRateLimitViolated";
        case Refusal::ThreatAudited:
            return "SecurityThreatAudited";
        case Refusal::ThreatBlocked:
            return "SecurityThreatBlocked";
    }
    return "SecurityAuthenticationRefused";
}
}  // namespace

void SecurityLog::record(Refusal kind, const std::string& reason, int http_status,
                         const std::string& error_code, const std::string& ip,
                         const std::string& user_agent, const std::string& request_id,
                         const std::string& actor_id, const std::string& token_id) {
    const domain::Millis now = clock_.now_ms();
    uint64_t earlier = 0;
    uint64_t suppressed = 0;
    {
        std::lock_guard lock(mu_);
        if (windows_.size() > 100'000) windows_.clear();  // bounded, whatever the flood
        Window& w = windows_[std::to_string(int(kind)) + "|" + ip];
        if (w.start && now - w.start < kWindow) {
            ++w.refused;
            return;
        }
        earlier = w.refused;
        w = Window{now, 0};
        if (now - budget_start_ >= kWindow) {
            suppressed_previous_ += suppressed_;
            suppressed_ = 0;
            budget_start_ = now;
            budget_used_ = 0;
        }
        if (budget_used_ >= kMaxEventsPerWindow) {
            ++suppressed_;
            return;
        }
        ++budget_used_;
        suppressed = std::exchange(suppressed_previous_, 0);
    }
    domain::Json data = domain::Json::object();
    data.set("reason", reason);
    data.set("httpStatus", http_status);
    data.set("errorCode", error_code);
    data.set("refusedEarlierInPreviousWindow", int64_t(earlier));
    if (suppressed) data.set("suppressedOverBudgetInPreviousWindow", int64_t(suppressed));
    domain::EventMetadata meta;
    meta.actor_id = actor_id.empty() ? "anonymous" : actor_id;
    meta.request_id = request_id;
    meta.token_id = token_id;
    meta.ip = ip;
    meta.user_agent = user_agent;
    eventstore::EventData event{event_type(kind), domain::encode_payload_plain(data),
                                meta.encode()};
    store_.submit(
        [event = std::move(event)](eventstore::Transaction& tx) mutable {
            auto r = tx.append("security", eventstore::kAnyVersion, {std::move(event)});
            return r ? eventstore::Outcome::Commit : eventstore::Outcome::Abort;
        },
        [](eventstore::Result<eventstore::CommitInfo>) {});
}

}  // namespace idledger::api
