#include "idledger/domain/identity_provider.hpp"

#include <algorithm>
#include <initializer_list>

#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::domain {

namespace {

namespace ev = idp_event;

constexpr StatusEvents kStatus{ev::kActivated, ev::kDeactivated};
constexpr size_t kMaxName = 100;
constexpr size_t kMaxExternalId = 512;

Json with_actor(Json data, const std::string& actor) {
    data.set("by", actor);
    return data;
}

}  // namespace

const RelationKind kIdpUsers{
    .family = "idp_users",
    .added = {ev::kUserLinked, "user.identity_provider.link", "Link user to identity provider"},
    .removed = {ev::kUserUnlinked, "user.identity_provider.unlink",
                "Unlink user from identity provider"},
    .other_field = "userId",
    .keeps_data = true,
};

namespace {

constexpr EventType kEvents[] = {
    {ev::kCreated, "system.idp.lifecycle.create", "Create identity provider"},
    {ev::kUpdated, "system.idp.lifecycle.update", "Update identity provider"},
    {ev::kActivated, "system.idp.lifecycle.activate", "Activate identity provider"},
    {ev::kDeactivated, "system.idp.lifecycle.deactivate", "Deactivate identity provider"},
    {ev::kDeleted, "system.idp.lifecycle.delete", "Delete identity provider"},
    kIdpUsers.added,
    kIdpUsers.removed,
};

constexpr const RelationKind* kRelations[] = {&kIdpUsers};

constexpr ContentEvents kContent{ev::kCreated, ev::kUpdated, ev::kDeleted, "idp", kStatus};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    evolve_content(state, e, at, kContent);
}

std::vector<IndexKey> unique_keys(const Json& s) {
    return {{"name", normalize_login(s.string_at("name"))}};
}

bool web_url(const Json* v) {
    if (!v || !v->is_string()) return false;
    const std::string& s = v->as_string();
    const bool https = s.starts_with("https://") && s.size() > 8;
    const bool http = s.starts_with("http://") && s.size() > 7;
    return (https || http) && s.find_first_of(" \t\r\n") == std::string::npos;
}

/// Reads `o[key]` as one of `allowed` (absent: `fallback`), adding a cause otherwise.
std::string choice(const Json* o, std::string_view key,
                   std::initializer_list<std::string_view> allowed, std::string_view fallback,
                   Causes& causes, const std::string& field) {
    const Json* v = o && o->is_object() ? o->find(key) : nullptr;
    if (!v || v->is_null()) return std::string(fallback);
    if (v->is_string() &&
        std::find(allowed.begin(), allowed.end(), v->as_string()) != allowed.end())
        return v->as_string();
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    causes.add(field, "Must be one of " + list);
    return std::string(fallback);
}

const Json* member(const Json* o, std::string_view key) {
    return o && o->is_object() ? o->find(key) : nullptr;
}

Json object_with(std::initializer_list<std::pair<std::string_view, Json>> members) {
    Json o = Json::object();
    for (const auto& [k, v] : members) o.set(k, v);
    return o;
}

Json endpoint(const Json* given, std::string_view name, std::string_view binding, bool required,
              Causes& causes) {
    const Json* e = member(given, name);
    const Json* url = member(e, "url");
    const std::string field = "protocol.endpoints." + std::string(name) + ".url";
    if (!url || url->is_null()) {
        if (required) causes.add(field, "The field cannot be left blank");
        return Json(nullptr);
    }
    if (!web_url(url)) {
        causes.add(field, "The field must be an absolute http or https URL");
        return Json(nullptr);
    }
    return object_with({{"url", *url}, {"binding", Json(std::string(binding))}});
}

/// The client of an OIDC or social IdP: client_id and client_secret (kept as a digest).
Json client_credentials(const Json* protocol, const Json* current_protocol, Causes& causes) {
    const Json* client = member(member(protocol, "credentials"), "client");
    const Json* id = member(client, "client_id");
    const Json* secret = member(client, "client_secret");
    const Json* kept =
        member(member(member(current_protocol, "credentials"), "client"), "client_secret_digest");
    Json out = Json::object();
    if (!id || !id->is_string() || id->as_string().empty())
        causes.add("protocol.credentials.client.client_id", "The field cannot be left blank");
    else
        out.set("client_id", *id);
    if (secret && secret->is_string() && !secret->as_string().empty())
        out.set("client_secret_digest", token_digest(secret->as_string()));
    else if (kept)
        out.set("client_secret_digest", *kept);
    else
        causes.add("protocol.credentials.client.client_secret", "The field cannot be left blank");
    return object_with({{"client", std::move(out)}});
}

std::vector<std::string> scopes_of(const Json* protocol, Causes& causes,
                                   std::vector<std::string> fallback) {
    const Json* s = member(protocol, "scopes");
    if (!s || s->is_null()) return fallback;
    std::vector<std::string> out;
    if (!s->is_array()) {
        causes.add("protocol.scopes", "The field must be an array of strings");
        return out;
    }
    for (const Json& e : s->as_array()) {
        if (!e.is_string() || e.as_string().empty()) {
            causes.add("protocol.scopes", "The field must be an array of strings");
            return {};
        }
        out.push_back(e.as_string());
    }
    return out;
}

Json protocol_of(const std::string& type, const Json* given, const Json* current_protocol,
                 Causes& causes) {
    if (!given || !given->is_object()) {
        causes.add("protocol", "The field is required");
        return Json::object();
    }
    const std::string kind = type == "SAML2" ? "SAML2" : type == "FACEBOOK" ? "OAUTH2" : "OIDC";
    if (const Json* t = given->find("type"); t && !t->is_null() && *t != Json(kind))
        causes.add("protocol.type", "An identity provider of type " + type + " uses " + kind);
    Json p = Json::object();
    p.set("type", kind);
    const Json* endpoints = given->find("endpoints");
    if (type == "SAML2") {
        Json e = Json::object();
        e.set("sso", endpoint(endpoints, "sso", "HTTP-POST", true, causes));
        const std::string sso_binding =
            choice(member(endpoints, "sso"), "binding", {"HTTP-POST", "HTTP-REDIRECT"}, "HTTP-POST",
                   causes, "protocol.endpoints.sso.binding");
        if (Json* sso = e.find("sso"); sso && sso->is_object()) sso->set("binding", sso_binding);
        const std::string acs_type = choice(member(endpoints, "acs"), "type", {"INSTANCE", "ORG"},
                                            "INSTANCE", causes, "protocol.endpoints.acs.type");
        e.set("acs", object_with({{"binding", Json("HTTP-POST")}, {"type", Json(acs_type)}}));
        p.set("endpoints", std::move(e));
        const Json* trust = member(member(given, "credentials"), "trust");
        Json t = Json::object();
        for (const char* k : {"issuer", "kid"}) {
            const Json* v = member(trust, k);
            if (!v || !v->is_string() || v->as_string().empty())
                causes.add(std::string("protocol.credentials.trust.") + k,
                           "The field cannot be left blank");
            else
                t.set(k, *v);
        }
        if (const Json* a = member(trust, "audience"); a && a->is_string()) t.set("audience", *a);
        p.set("credentials", object_with({{"trust", std::move(t)}}));
        const std::string req_scope = choice(
            member(member(member(given, "algorithms"), "request"), "signature"), "scope",
            {"REQUEST", "NONE"}, "REQUEST", causes, "protocol.algorithms.request.signature.scope");
        const std::string res_scope =
            choice(member(member(member(given, "algorithms"), "response"), "signature"), "scope",
                   {"ANY", "RESPONSE", "ASSERTION"}, "ANY", causes,
                   "protocol.algorithms.response.signature.scope");
        auto signature = [](const std::string& scope) {
            return object_with({{"signature", object_with({{"algorithm", Json("SHA-256")},
                                                           {"scope", Json(scope)}})}});
        };
        p.set("algorithms",
              object_with({{"request", signature(req_scope)}, {"response", signature(res_scope)}}));
        return p;
    }
    std::vector<std::string> fallback;
    if (type == "FACEBOOK")
        fallback = {"public_profile", "email"};
    else if (type != "OIDC")
        fallback = {"openid", "email", "profile"};
    auto scopes = scopes_of(given, causes, fallback);
    if (scopes.empty())
        causes.add("protocol.scopes", "At least one scope is required");
    else if (kind == "OIDC" && std::find(scopes.begin(), scopes.end(), "openid") == scopes.end())
        causes.add("protocol.scopes", "An OpenID Connect identity provider needs 'openid'");
    Json s = Json::array();
    for (const auto& v : scopes) s.push(v);
    p.set("scopes", std::move(s));
    if (type == "OIDC") {
        Json e = Json::object();
        e.set("authorization", endpoint(endpoints, "authorization", "HTTP-REDIRECT", true, causes));
        e.set("token", endpoint(endpoints, "token", "HTTP-POST", true, causes));
        e.set("userInfo", endpoint(endpoints, "userInfo", "HTTP-REDIRECT", false, causes));
        e.set("jwks", endpoint(endpoints, "jwks", "HTTP-REDIRECT", true, causes));
        p.set("endpoints", std::move(e));
        const Json* issuer = member(member(given, "issuer"), "url");
        if (!issuer || !issuer->is_string() || !web_url(issuer))
            causes.add("protocol.issuer.url", "The field must be an absolute http or https URL");
        else
            p.set("issuer", object_with({{"url", *issuer}}));
    }
    p.set("credentials", client_credentials(given, current_protocol, causes));
    return p;
}

Json policy_of(const std::string& type, const Json* given, Causes& causes) {
    if (given && !given->is_null() && !given->is_object()) {
        causes.add("policy", "The field must be an object");
        given = nullptr;
    }
    const Json* prov = member(given, "provisioning");
    const Json* conditions = member(prov, "conditions");
    Json provisioning = object_with({
        {"action", Json(choice(prov, "action", {"AUTO", "CALLOUT", "DISABLED"}, "AUTO", causes,
                               "policy.provisioning.action"))},
        {"profileMaster",
         Json(member(prov, "profileMaster") && member(prov, "profileMaster")->is_bool()
                  ? member(prov, "profileMaster")->as_bool()
                  : false)},
        {"groups",
         object_with({{"action", Json(choice(member(prov, "groups"), "action",
                                             {"NONE", "APPEND", "SYNC", "ASSIGN"}, "NONE", causes,
                                             "policy.provisioning.groups.action"))}})},
        {"conditions",
         object_with(
             {{"deprovisioned",
               object_with({{"action", Json(choice(member(conditions, "deprovisioned"), "action",
                                                   {"NONE", "REACTIVATE"}, "NONE", causes,
                                                   "policy.provisioning.conditions."
                                                   "deprovisioned.action"))}})},
              {"suspended",
               object_with({{"action", Json(choice(member(conditions, "suspended"), "action",
                                                   {"NONE", "UNSUSPEND"}, "NONE", causes,
                                                   "policy.provisioning.conditions."
                                                   "suspended.action"))}})}})},
    });
    const Json* link = member(given, "accountLink");
    Json account_link = object_with({
        {"filter", member(link, "filter") ? *member(link, "filter") : Json(nullptr)},
        {"action", Json(choice(link, "action", {"AUTO", "DISABLED"}, "AUTO", causes,
                               "policy.accountLink.action"))},
    });
    const Json* subject = member(given, "subject");
    const std::string match =
        choice(subject, "matchType", {"USERNAME", "EMAIL", "USERNAME_OR_EMAIL", "CUSTOM_ATTRIBUTE"},
               "USERNAME", causes, "policy.subject.matchType");
    Json subj = Json::object();
    const Json* tmpl = member(member(subject, "userNameTemplate"), "template");
    subj.set("userNameTemplate",
             object_with({{"template", tmpl && tmpl->is_string() && !tmpl->as_string().empty()
                                           ? *tmpl
                                           : Json(type == "SAML2" ? "idpuser.subjectNameId"
                                                                  : "idpuser.email")}}));
    subj.set("filter", member(subject, "filter") ? *member(subject, "filter") : Json(nullptr));
    subj.set("matchType", match);
    const Json* attr = member(subject, "matchAttribute");
    if (match == "CUSTOM_ATTRIBUTE" && (!attr || !attr->is_string() || attr->as_string().empty()))
        causes.add("policy.subject.matchAttribute", "CUSTOM_ATTRIBUTE needs the attribute's name");
    if (attr && attr->is_string()) subj.set("matchAttribute", *attr);
    int64_t skew = 0;
    if (const Json* s = member(given, "maxClockSkew"); s && !s->is_null()) {
        if (!s->is_int() || s->as_int() < 0)
            causes.add("policy.maxClockSkew", "The field must be a non-negative integer");
        else
            skew = s->as_int();
    }
    return object_with({{"provisioning", std::move(provisioning)},
                        {"accountLink", std::move(account_link)},
                        {"subject", std::move(subj)},
                        {"maxClockSkew", Json(skew)}});
}

}  // namespace

const ResourceKind kIdps{
    .name = "IdentityProvider",
    .stream_prefix = "idp-",
    .family = "idps",
    .id_prefix = "0oa",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .relations = kRelations,
    .log_target_type = "IdentityProvider",
};

Result<Json> idp_from_body(const Json& body, const UniqueLookup& owner_of, const Json* current,
                           std::string_view self) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    std::string type = body.string_at("type");
    constexpr std::string_view kTypes[] = {"SAML2", "OIDC", "GOOGLE", "FACEBOOK", "MICROSOFT"};
    if (type.empty()) {
        causes.add("type", "The field cannot be left blank");
    } else if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
        causes.add("type", "Must be one of SAML2, OIDC, GOOGLE, FACEBOOK, MICROSOFT");
    } else if (current && current->string_at("type") != type) {
        causes.add("type", "The type of an identity provider cannot be changed");
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    const Json* name = body.find("name");
    if (!name || !name->is_string() || name->as_string().empty())
        causes.add("name", "The field cannot be left blank");
    else if (utf8_length(name->as_string()) > kMaxName)
        causes.add("name", "The field cannot exceed 100 characters");
    else if (auto holder = owner_of("name", normalize_login(name->as_string()));
             holder && *holder != self)
        causes.add("name", "An object with this field already exists in the current organization");
    Json idp = Json::object();
    idp.set("type", type);
    idp.set("name", name && name->is_string() ? *name : Json(""));
    idp.set("issuerMode", choice(&body, "issuerMode", {"ORG_URL", "CUSTOM_URL", "DYNAMIC"},
                                 "ORG_URL", causes, "issuerMode"));
    idp.set("protocol", protocol_of(type, body.find("protocol"),
                                    current ? current->find("protocol") : nullptr, causes));
    idp.set("policy", policy_of(type, body.find("policy"), causes));
    idp.set("properties", nullptr);
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    return idp;
}

std::vector<Event> decide_idp_create(const std::string& id, const Json& idp, bool active,
                                     const std::string& actor) {
    Json data = Json::object();
    data.set("id", id);
    data.set("idp", idp);
    data.set("status", active ? "ACTIVE" : "INACTIVE");
    return {make_event(ev::kCreated, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_idp_update(const Json& current, const Json& idp,
                                     const std::string& actor) {
    if (holds_all(current, idp)) return {};
    Json data = Json::object();
    data.set("idp", idp);
    return {make_event(ev::kUpdated, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_idp_status(const Json& current, bool active, const std::string& actor) {
    return decide_status(current, active, kStatus, with_actor(Json::object(), actor));
}

std::vector<Event> decide_idp_delete(const std::string& actor) {
    return {make_event(ev::kDeleted, with_actor(Json::object(), actor))};
}

Result<std::string> idp_link_external_id(const Json& body) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    const Json* id = body.find("externalId");
    if (!id || !id->is_string() || id->as_string().empty())
        return validation("externalId", "externalId: The field cannot be left blank");
    if (utf8_length(id->as_string()) > kMaxExternalId)
        return validation("externalId", "externalId: The field cannot exceed 512 characters");
    return id->as_string();
}

std::vector<Event> decide_idp_link(const std::string& user_id, const std::string& external_id,
                                   const std::optional<Json>& existing, const std::string& actor) {
    if (existing && existing->string_at("externalId") == external_id) return {};
    Json data = Json::object();
    data.set("userId", user_id);
    data.set("externalId", external_id);
    return {make_event(ev::kUserLinked, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_idp_unlink(const std::string& user_id, bool linked,
                                     const std::string& actor) {
    if (!linked) return {};
    Json data = Json::object();
    data.set("userId", user_id);
    return {make_event(ev::kUserUnlinked, with_actor(std::move(data), actor))};
}

}  // namespace idledger::domain
