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
    l.add("href", href);
    if (method) l.add("method", method);
    return l;
}

Json user_links(const domain::User& u, const std::string& base, LinkSet set) {
    Json links = Json::object();
    const std::string self = base + "/api/v1/users/" + u.id;
    links.add("self", link(self));
    if (set == LinkSet::SelfOnly) return links;
    const std::string lc = self + "/lifecycle/";
    const std::string cr = self + "/credentials/";
    auto add = [&](const char* name, const std::string& href) {
        links.add(name, link(href, "POST"));
    };
    // Only links that work now (each one is what the matching decide allows).
    const bool pw = u.password.has_value();
    const bool federated = u.provider_type == "FEDERATION" || u.provider_type == "SOCIAL";
    if (u.transitioning_to) {
        // While a transition runs every change answers 409, except a deactivation (it
        // supersedes an activation, or joins the deactivation under way).
        add("deactivate", lc + "deactivate");
        return links;
    }
    switch (u.status) {
        case UserStatus::Staged:
            add("activate", lc + "activate");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Provisioned:
            add("reactivate", lc + "reactivate");
            if (!federated) add("resetPassword", lc + "reset_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Active:
            add("suspend", lc + "suspend");
            add("deactivate", lc + "deactivate");
            if (!federated) add("resetPassword", lc + "reset_password");
            if (pw && !federated) add("expirePassword", lc + "expire_password");
            if (pw) add("changePassword", cr + "change_password");
            if (pw) add("changeRecoveryQuestion", cr + "change_recovery_question");
            if (u.recovery_question && !federated) add("forgotPassword", cr + "forgot_password");
            break;
        case UserStatus::PasswordExpired:
            if (!federated) add("resetPassword", lc + "reset_password");
            if (pw && !federated) add("expirePassword", lc + "expire_password");
            if (pw) add("changePassword", cr + "change_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::LockedOut:
            add("unlock", lc + "unlock");
            if (!federated) add("resetPassword", lc + "reset_password");
            add("deactivate", lc + "deactivate");
            break;
        case UserStatus::Recovery:
            if (!federated) add("resetPassword", lc + "reset_password");
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
    // No schema or type links: the server serves neither /api/v1/meta path (yet), and a link
    // offered must be a link that works.
    return links;
}

}  // namespace

Json render_credentials(const domain::User& u) {
    Json c = Json::object();
    if (u.password) c.add("password", Json::object());
    if (u.recovery_question) {
        Json rq = Json::object();
        rq.add("question", *u.recovery_question);
        c.add("recovery_question", std::move(rq));
    }
    Json provider = Json::object();
    provider.add("type", u.provider_type);
    provider.add("name", u.provider_name);
    c.add("provider", std::move(provider));
    return c;
}

Omissions requested_omissions(const HttpRequest& req) {
    Omissions o;
    const std::string* ct = req.header("content-type");
    if (!ct) return o;
    auto pos = ct->find("okta-response=");
    if (pos == std::string::npos) return o;
    std::string_view list = std::string_view(*ct).substr(pos + 14);
    list = list.substr(0, list.find(';'));
    std::string value;
    for (char c : std::string(list) + ",") {
        if (c == '"' || c == ' ') continue;
        if (c != ',') {
            value.push_back(c);
            continue;
        }
        if (value == "omitCredentials")
            o.credentials = true;
        else if (value == "omitCredentialsLinks")
            o.credential_links = true;
        else if (value == "omitTransitioningToStatus")
            o.transitioning = true;
        value.clear();
    }
    return o;
}

Json render_user(const domain::User& u, const std::string& base, LinkSet links, Omissions omit) {
    Json j = Json::object();
    j.add("id", u.id);
    j.add("status", domain::to_string(u.status));
    if (u.transitioning_to && !omit.transitioning)
        j.add("transitioningToStatus", domain::to_string(*u.transitioning_to));
    j.add("created", domain::format_iso8601(u.created));
    j.add("activated", ts(u.activated));
    j.add("statusChanged", ts(u.status_changed));
    j.add("lastLogin", ts(u.last_login));
    j.add("lastUpdated", domain::format_iso8601(u.last_updated));
    j.add("passwordChanged", ts(u.password_changed));
    Json type = Json::object();
    type.add("id", u.type_id);
    j.add("type", std::move(type));
    j.add("profile", u.profile);
    if (!omit.credentials) j.add("credentials", render_credentials(u));
    Json l = user_links(u, base, links);
    if (omit.credential_links)
        for (const char* k : {"changePassword", "changeRecoveryQuestion", "forgotPassword",
                              "resetPassword", "resetFactors", "unlock"})
            l.erase(k);
    j.add("_links", std::move(l));
    return j;
}

HttpResponse user_response(RequestContext& ctx, const domain::User& u, int status) {
    std::string body;
    render_user(u, std::string(RenderCache::kOrigin), LinkSet::Full).dump_to(body);
    HttpResponse res;
    res.status = status;
    res.body = RenderCache::with_origin(body, ctx.base_url);
    ctx.app.rendered_users.put(u.id, u.version, std::move(body));
    res.add_header("ETag", user_etag(u));
    return res;
}

std::string user_etag(std::string_view id, uint64_t version) {
    return "\"" + std::string(id) + "-" + std::to_string(version) + "\"";
}

std::string user_etag(const domain::User& u) {
    return "\"" + u.id + "-" + std::to_string(u.version) + "\"";
}

}  // namespace idledger::api
