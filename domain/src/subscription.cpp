#include "idledger/domain/subscription.hpp"

#include <algorithm>

namespace idledger::domain {

namespace {

namespace ev = subscription_event;

constexpr std::string_view kTypes[] = {"AD_AGENT",
                                       "AGENT_AUTO_UPDATE_NOTIFICATION",
                                       "AGENT_AUTO_UPDATE_NOTIFICATION_LDAP",
                                       "APP_IMPORT",
                                       "CONNECTOR_AGENT",
                                       "IWA_AGENT",
                                       "LDAP_AGENT",
                                       "OKTA_ANNOUNCEMENT",
                                       "OKTA_ISSUE",
                                       "OKTA_UPDATE",
                                       "RATELIMIT_NOTIFICATION",
                                       "REPORT_SUSPICIOUS_ACTIVITY",
                                       "USER_DEPROVISION",
                                       "USER_LOCKED_OUT"};

// Every administrator hears of Okta itself; each role adds what concerns its work.
constexpr std::string_view kEveryAdmin[] = {"OKTA_ANNOUNCEMENT", "OKTA_ISSUE", "OKTA_UPDATE"};
constexpr std::string_view kUsers[] = {"USER_DEPROVISION", "USER_LOCKED_OUT"};
constexpr std::string_view kApps[] = {"APP_IMPORT", "CONNECTOR_AGENT"};
constexpr std::string_view kReports[] = {"REPORT_SUSPICIOUS_ACTIVITY", "RATELIMIT_NOTIFICATION"};
constexpr std::string_view kApi[] = {"RATELIMIT_NOTIFICATION"};

struct Offer {
    std::string_view role;
    std::span<const std::string_view> extra;
};
constexpr Offer kOffers[] = {
    {"USER_ADMIN", kUsers},
    {"HELP_DESK_ADMIN", kUsers},
    {"GROUP_MEMBERSHIP_ADMIN", kUsers},
    {"CUSTOM", kUsers},
    {"APP_ADMIN", kApps},
    {"REPORT_ADMIN", kReports},
    {"API_ACCESS_MANAGEMENT_ADMIN", kApi},
};

bool contains(std::span<const std::string_view> list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr EventType kEvents[] = {
    {ev::kChanged, "user.account.subscriptions.update", "Update notification subscriptions"},
};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type != ev::kChanged) return;
    if (!state) {
        state = Json::object();
        state->set("id", std::string(kSubscriptionsId));
        state->set("settings", Json::object());
        state->set("changes", int64_t(0));
    }
    const Json* n = state->find("changes");
    const int64_t change = (n && n->is_int() ? n->as_int() : 0) + 1;
    state->set("changes", change);
    const Json* all = state->find("settings");
    Json settings = all && all->is_object() ? *all : Json::object();
    const std::string owner = e.data.string_at("owner");
    const Json* mine = settings.find(owner);
    Json types = mine && mine->is_object() ? *mine : Json::object();
    Json setting = Json::object();
    setting.set("status", e.data.string_at("status"));
    setting.set("change", change);
    types.set(e.data.string_at("notificationType"), std::move(setting));
    settings.set(owner, std::move(types));
    state->set("settings", std::move(settings));
    stamp(*state, at, change == 1);
}

/// `owner`'s own setting of `type`: (status, change), or nullopt.
std::optional<std::pair<std::string, int64_t>> setting(const std::optional<Json>& state,
                                                       std::string_view owner,
                                                       std::string_view type) {
    if (!state) return std::nullopt;
    const Json* settings = state->find("settings");
    const Json* mine = settings ? settings->find(owner) : nullptr;
    const Json* s = mine ? mine->find(type) : nullptr;
    if (!s || !s->is_object()) return std::nullopt;
    const Json* c = s->find("change");
    return std::pair{s->string_at("status"), c && c->is_int() ? c->as_int() : 0};
}

}  // namespace

const ResourceKind kSubscriptions{
    .name = "Subscription",
    .stream_prefix = "subscriptions-",
    .family = "subscriptions",
    .id_prefix = "sub",
    .events = kEvents,
    .evolve = evolve,
    .log_target_type = "Subscription",
    .log_name_field = "id",
};

std::span<const std::string_view> notification_types() { return kTypes; }

bool notification_type_known(std::string_view type) { return contains(kTypes, type); }

std::string role_owner(std::string_view role) { return "role:" + std::string(role); }
std::string user_owner(std::string_view user_id) { return "user:" + std::string(user_id); }

HeldRole held_role(const RoleAssignment& a) {
    return {role_owner(a.type == "CUSTOM" ? a.role : a.type), a.type};
}

bool role_sees(std::string_view role, std::string_view type) {
    if (!notification_type_known(type)) return false;
    if (role == "SUPER_ADMIN" || role == "ORG_ADMIN") return true;
    if (contains(kEveryAdmin, type)) return true;
    for (const auto& o : kOffers)
        if (o.role == role && contains(o.extra, type)) return true;
    return false;
}

std::string_view owner_status(const std::optional<Json>& state, std::string_view owner,
                              std::string_view type) {
    auto s = setting(state, owner, type);
    return s && s->first == "unsubscribed" ? "unsubscribed" : "subscribed";
}

std::optional<std::string_view> user_status(const std::optional<Json>& state,
                                            std::string_view user_id,
                                            std::span<const HeldRole> roles,
                                            std::string_view type) {
    bool offered = false;
    std::optional<std::pair<std::string, int64_t>> latest;
    auto consider = [&](const std::optional<std::pair<std::string, int64_t>>& s) {
        if (s && (!latest || s->second > latest->second)) latest = s;
    };
    for (const auto& r : roles) {
        if (!role_sees(r.type, type)) continue;
        offered = true;
        consider(setting(state, r.owner, type));
    }
    if (!offered) return std::nullopt;
    consider(setting(state, user_owner(user_id), type));
    return latest && latest->first == "unsubscribed" ? "unsubscribed" : "subscribed";
}

Event decide_subscription(std::string_view owner, std::string_view type, bool subscribe,
                          const std::string& actor) {
    Json d = Json::object();
    d.set("owner", std::string(owner));
    d.set("notificationType", std::string(type));
    d.set("status", subscribe ? "subscribed" : "unsubscribed");
    d.set("by", actor);
    return make_event(ev::kChanged, std::move(d));
}

}  // namespace idledger::domain
