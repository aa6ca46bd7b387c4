#include "users/user_json.hpp"

namespace idledger::api {

using domain::Json;
using domain::UserStatus;

namespace {

Json ts(const std::optional<domain::Millis>& v) {
    return v ? Json(domain::format_iso8601(*v)) : Json(nullptr);
}

Json link(const std::string& href, const char* method = nullptr) {
    Json l = Json::object();
    l.set("href", href);
    if (method) l.set("method", method);
    return l;
}

Json user_links(const domain::User& u, const std::string& base, LinkSet set) {
    Json links = Json::object();
    const std::string self = base + "/api/v1/users/" + u.id;
    links.set("self", link(self));
    if (set == LinkSet::SelfOnly) return links;
    const std::string lc = self + "/lifecycle/";
    const std::string cr = self + "/credentials/";
    auto add = [&](const char* name, const std::string& href) {
        links.set(name, link(href, "POST"));
    };
    const bool pw = u.password.has_value();
    const bool federated = u.provider_type == "FEDERATION" || u.provider_type == "SOCIAL";
    switch (u.status) {
        case UserStatus::Staged:
            add("activate", lc + "activate");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Provisioned:
            add("reactivate", lc + "reactivate");
            add("resetPassword", lc + "reset_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Active:
            add("suspend", lc + "suspend");
            add("deactivate", lc + "deactivate");
            if (!federated) add("resetPassword", lc + "reset_password");
            if (pw) add("expirePassword", lc + "expire_password");
            if (pw) add("changePassword", cr + "change_password");
            if (pw) add("changeRecoveryQuestion", cr + "change_recovery_question");
            if (u.recovery_question) add("forgotPassword", cr + "forgot_password");
            break;
        case UserStatus::PasswordExpired:
            add("resetPassword", lc + "reset_password");
            add("expirePassword", lc + "expire_password");
            if (u.recovery_question) add("forgotPassword", cr + "forgot_password");
            add("changeRecoveryQuestion", cr + "change_recovery_question");
            add("changePassword", cr + "change_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::LockedOut:
            add("unlock", lc + "unlock");
            add("resetPassword", lc + "reset_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Recovery:
            add("resetPassword", lc + "reset_password");
            if (pw) add("changePassword", cr + "change_password");
            add("reactivate", lc + "reactivate");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Suspended:
            add("unsuspend", lc + "unsuspend");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Deprovisioned:
            add("activate", lc + "activate");
            break;
    }
    links.set("schema", link(base + "/api/v1/meta/schemas/user/oscidledgerdefault01"));
    links.set("type", link(base + "/api/v1/meta/types/user/" + u.type_id));
    return links;
}

}  // namespace

Json render_credentials(const domain::User& u) {
    Json c = Json::object();
    if (u.password) c.set("password", Json::object());
    if (u.recovery_question) {
        Json rq = Json::object();
        rq.set("question", *u.recovery_question);
        c.set("recovery_question", std::move(rq));
    }
    Json provider = Json::object();
    provider.set("type", u.provider_type);
    provider.set("name", u.provider_name);
    c.set("provider", std::move(provider));
    return c;
}

Json render_user(const domain::User& u, const std::string& base, LinkSet links) {
    Json j = Json::object();
    j.set("id", u.id);
    j.set("status", domain::to_string(u.status));
    if (u.transitioning_to) j.set("transitioningToStatus", domain::to_string(*u.transitioning_to));
    j.set("created", domain::format_iso8601(u.created));
    j.set("activated", ts(u.activated));
    j.set("statusChanged", ts(u.status_changed));
    j.set("lastLogin", ts(u.last_login));
    j.set("lastUpdated", domain::format_iso8601(u.last_updated));
    j.set("passwordChanged", ts(u.password_changed));
    Json type = Json::object();
    type.set("id", u.type_id);
    j.set("type", std::move(type));
    j.set("profile", u.profile);
    j.set("credentials", render_credentials(u));
    j.set("_links", user_links(u, base, links));
    return j;
}

std::string user_etag(const domain::User& u) {
    return "\"" + u.id + "-" + std::to_string(u.version) + "\"";
}

}  // namespace idledger::api
