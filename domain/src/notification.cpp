#include "idledger/domain/notification.hpp"

#include "idledger/domain/user.hpp"

namespace idledger::domain {

namespace {

namespace ev = notification_event;

constexpr EventType kEvents[] = {
    {ev::kRequested, "system.notification.request", "Admin notification requested"},
    {ev::kDelivered, "system.email.delivery", "Admin notification e-mail delivered"},
    {ev::kFailed, "system.email.delivery", "Admin notification e-mail failed"},
};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == ev::kRequested) {
        Json s = Json::object();
        for (const char* k :
             {"id", "notificationType", "recipient", "subject", "detail", "occurrence"})
            if (const Json* v = e.data.find(k)) s.set(k, *v);
        s.set("status", "PENDING");
        stamp(s, at, true);
        state = std::move(s);
        return;
    }
    if (!state) return;
    if (e.type == ev::kDelivered) {
        state->set("status", "DELIVERED");
        state->set("messageId", e.data.string_at("messageId"));
    } else if (e.type == ev::kFailed) {
        state->set("status", "FAILED");
        state->set("error", e.data.string_at("error"));
    } else {
        return;
    }
    stamp(*state, at, false);
}

std::vector<IndexKey> unique_keys(const Json& s) {
    const std::string occurrence = s.string_at("occurrence");
    if (occurrence.empty()) return {};
    return {{"occurrence", occurrence + "/" + s.string_at("recipient")}};
}

}  // namespace

const ResourceKind kNotifications{
    .name = "Notification",
    .stream_prefix = "notification-",
    .family = "notifications",
    .id_prefix = "ntf",
    // 2: no group of pending notifications (the relay reads them by position).
    .schema_version = 2,
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .log_target_type = "User",
    .log_name_field = "recipient",
};

std::optional<std::string_view> notification_for(const Event& e) {
    if (e.type == user_event::kDeactivated) return "USER_DEPROVISION";
    if (e.data.string_at("status") == "LOCKED_OUT") return "USER_LOCKED_OUT";
    return std::nullopt;
}

Event notification_request(const std::string& id, std::string_view type,
                           const std::string& recipient, const std::string& subject,
                           const std::string& detail, const std::string& occurrence) {
    Json d = Json::object();
    d.set("id", id);
    d.set("notificationType", std::string(type));
    d.set("recipient", recipient);
    d.set("subject", subject);
    if (!detail.empty()) d.set("detail", detail);
    if (!occurrence.empty()) d.set("occurrence", occurrence);
    return make_event(ev::kRequested, std::move(d));
}

std::optional<Event> decide_notification_outcome(const Json& state, bool delivered,
                                                 const std::string& message_id,
                                                 const std::string& error) {
    if (state.string_at("status") != "PENDING") return std::nullopt;
    Json d = Json::object();
    if (delivered) {
        d.set("messageId", message_id);
        return make_event(ev::kDelivered, std::move(d));
    }
    d.set("error", error);
    return make_event(ev::kFailed, std::move(d));
}

}  // namespace idledger::domain
