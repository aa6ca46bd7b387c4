// Validation of an application body: the common fields, a bookmark's URL, and an OIDC client's
// OAuth settings with the rules Okta applies between application type, grant types, response
// types, redirect URIs and the token endpoint's authentication method.

#include <algorithm>
#include <cctype>

#include "idledger/domain/app.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"

namespace idledger::domain {

namespace {

constexpr size_t kMaxLabel = 100;
constexpr size_t kMinSecret = 14;
constexpr size_t kMaxSecret = 100;
constexpr std::string_view kGrantTypes[] = {
    "authorization_code",
    "implicit",
    "password",
    "refresh_token",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "interaction_code",
};
constexpr std::string_view kResponseTypes[] = {"code", "token", "id_token"};
constexpr std::string_view kAppTypes[] = {"web", "native", "browser", "service"};
constexpr std::string_view kAuthMethods[] = {"client_secret_basic", "client_secret_post",
                                             "client_secret_jwt", "private_key_jwt", "none"};

template <size_t N>
bool one_of(std::string_view v, const std::string_view (&set)[N]) {
    return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

/// `scheme:rest` with an RFC 3986 scheme and no whitespace; http(s) also need a host.
bool absolute_uri(std::string_view s, bool allow_fragment = true) {
    const size_t colon = s.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s.substr(0, colon))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-')
            return false;
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20)
            return false;
    if (!allow_fragment && s.find('#') != std::string_view::npos) return false;
    std::string scheme(s.substr(0, colon));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    const std::string_view rest = s.substr(colon + 1);
    if (scheme == "http" || scheme == "https")
        return rest.starts_with("//") && rest.size() > 2 && rest[2] != '/';
    return rest.size() > 0;
}

bool is_web_url(std::string_view s) {
    std::string lower(s.substr(0, 8));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return absolute_uri(s) && (lower.starts_with("http://") || lower.starts_with("https://"));
}

/// A list of strings from `parent[key]` (absent: `fallback`); a cause when not one.
std::vector<std::string> string_list(const Json& parent, std::string_view key, Causes& causes,
                                     const std::string& field,
                                     std::vector<std::string> fallback = {}) {
    const Json* v = parent.find(key);
    if (!v || v->is_null()) return fallback;
    std::vector<std::string> out;
    if (!v->is_array()) {
        causes.add(field, "The field must be an array of strings");
        return out;
    }
    for (const Json& e : v->as_array()) {
        if (!e.is_string()) {
            causes.add(field, "The field must be an array of strings");
            return {};
        }
        if (std::find(out.begin(), out.end(), e.as_string()) == out.end())
            out.push_back(e.as_string());
    }
    return out;
}

Json to_json(const std::vector<std::string>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push(s);
    return a;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

/// An optional URL member of `o`: kept when valid, a cause otherwise.
void optional_url(const Json& o, std::string_view key, Json& out, Causes& causes,
                  const std::string& prefix) {
    const Json* v = o.find(key);
    if (!v || v->is_null()) return;
    if (!v->is_string() || !is_web_url(v->as_string()))
        causes.add(prefix + std::string(key), "The field must be an absolute http or https URL");
    else
        out.set(key, *v);
}

Json oauth_settings(const Json* given, Causes& causes, std::string& auth_method,
                    const Json* given_credentials) {
    const std::string p = "settings.oauthClient.";
    Json out = Json::object();
    if (!given || !given->is_object()) {
        causes.add("settings.oauthClient", "The field is required");
        return out;
    }
    const std::string app_type =
        given->string_at("application_type").empty() ? "web" : given->string_at("application_type");
    if (!one_of(app_type, kAppTypes))
        causes.add(p + "application_type", "Must be one of web, native, browser, service");
    auto grants =
        string_list(*given, "grant_types", causes, p + "grant_types",
                    {app_type == "service" ? "client_credentials" : "authorization_code"});
    auto responses = string_list(*given, "response_types", causes, p + "response_types",
                                 {app_type == "service" ? "token" : "code"});
    auto redirects = string_list(*given, "redirect_uris", causes, p + "redirect_uris");
    auto logout =
        string_list(*given, "post_logout_redirect_uris", causes, p + "post_logout_redirect_uris");
    for (const auto& g : grants)
        if (!one_of(g, kGrantTypes)) causes.add(p + "grant_types", "Unsupported grant type: " + g);
    for (const auto& r : responses)
        if (!one_of(r, kResponseTypes))
            causes.add(p + "response_types", "Unsupported response type: " + r);
    for (const auto& u : redirects)
        if (!absolute_uri(u, false))
            causes.add(p + "redirect_uris", "'" + u + "' is not an absolute URI without fragment");
    for (const auto& u : logout)
        if (!absolute_uri(u, false))
            causes.add(p + "post_logout_redirect_uris",
                       "'" + u + "' is not an absolute URI without fragment");

    // Okta's rules between the settings.
    const bool code = has(grants, "authorization_code");
    const bool implicit = has(grants, "implicit");
    if (grants.empty()) causes.add(p + "grant_types", "At least one grant type is required");
    if (code && !has(responses, "code"))
        causes.add(p + "response_types", "'authorization_code' requires the 'code' response type");
    if (implicit && !has(responses, "token") && !has(responses, "id_token"))
        causes.add(p + "response_types",
                   "'implicit' requires the 'token' or 'id_token' response type");
    if ((code || implicit) && redirects.empty())
        causes.add(p + "redirect_uris",
                   "At least one redirect URI is required for 'authorization_code' or 'implicit'");
    if (has(grants, "refresh_token") && !code && !has(grants, "password") &&
        !has(grants, "urn:ietf:params:oauth:grant-type:device_code"))
        causes.add(p + "grant_types",
                   "'refresh_token' requires 'authorization_code', 'password' or device code");
    if (app_type == "service") {
        for (const auto& g : grants)
            if (g != "client_credentials" && g != "urn:ietf:params:oauth:grant-type:token-exchange")
                causes.add(p + "grant_types",
                           "A service application may only use 'client_credentials'");
    } else if (app_type == "browser" || app_type == "native") {
        if (has(grants, "client_credentials"))
            causes.add(p + "grant_types",
                       "'client_credentials' is not allowed for a " + app_type + " application");
        if (app_type == "native" && !code && !has(grants, "password") &&
            !has(grants, "urn:ietf:params:oauth:grant-type:device_code") && !implicit)
            causes.add(p + "grant_types", "A native application needs 'authorization_code'");
    } else if (app_type == "web" && !code && !has(grants, "client_credentials") && !implicit) {
        causes.add(p + "grant_types", "A web application needs 'authorization_code'");
    }

    // The token endpoint's authentication method (credentials.oauthClient).
    const Json* oauth = given_credentials ? given_credentials->find("oauthClient") : nullptr;
    const std::string asked = oauth ? oauth->string_at("token_endpoint_auth_method") : "";
    auth_method = !asked.empty()                                    ? asked
                  : (app_type == "browser" || app_type == "native") ? "none"
                                                                    : "client_secret_basic";
    if (!one_of(auth_method, kAuthMethods))
        causes.add("credentials.oauthClient.token_endpoint_auth_method",
                   "Must be one of client_secret_basic, client_secret_post, client_secret_jwt, "
                   "private_key_jwt, none");
    if (app_type == "browser" && auth_method != "none")
        causes.add("credentials.oauthClient.token_endpoint_auth_method",
                   "A browser application is a public client: 'none'");
    if (app_type == "service" && auth_method == "none")
        causes.add("credentials.oauthClient.token_endpoint_auth_method",
                   "A service application must authenticate");
    if (auth_method == "private_key_jwt") {
        const Json* jwks = given->find("jwks");
        if (!jwks || !jwks->is_object() || !jwks->find("keys"))
            causes.add(p + "jwks", "'private_key_jwt' requires the client's public keys (jwks)");
        else
            out.set("jwks", *jwks);
    }

    const std::string consent =
        given->string_at("consent_method").empty() ? "TRUSTED" : given->string_at("consent_method");
    if (consent != "TRUSTED" && consent != "REQUIRED")
        causes.add(p + "consent_method", "Must be TRUSTED or REQUIRED");
    for (const char* k : {"client_uri", "logo_uri", "initiate_login_uri", "policy_uri", "tos_uri"})
        optional_url(*given, k, out, causes, p);
    out.set("redirect_uris", to_json(redirects));
    if (!logout.empty()) out.set("post_logout_redirect_uris", to_json(logout));
    out.set("response_types", to_json(responses));
    out.set("grant_types", to_json(grants));
    out.set("application_type", app_type);
    out.set("consent_method", consent);
    out.set("issuer_mode",
            given->string_at("issuer_mode").empty() ? "ORG_URL" : given->string_at("issuer_mode"));
    return out;
}

Json default_visibility(const std::string& link) {
    Json hide = Json::object();
    hide.set("iOS", false);
    hide.set("web", false);
    Json links = Json::object();
    links.set(link, true);
    Json v = Json::object();
    v.set("autoSubmitToolbar", false);
    v.set("hide", std::move(hide));
    v.set("appLinks", std::move(links));
    return v;
}

Json visibility(const Json& body, const std::string& link, Causes& causes) {
    Json v = default_visibility(link);
    const Json* given = body.find("visibility");
    if (!given || given->is_null()) return v;
    if (!given->is_object()) {
        causes.add("visibility", "The field must be an object");
        return v;
    }
    if (const Json* a = given->find("autoSubmitToolbar"); a && a->is_bool())
        v.set("autoSubmitToolbar", *a);
    if (const Json* h = given->find("hide"); h && h->is_object())
        for (const char* k : {"iOS", "web"})
            if (const Json* b = h->find(k); b && b->is_bool()) v.find("hide")->set(k, *b);
    if (const Json* l = given->find("appLinks"); l && l->is_object())
        if (const Json* b = l->find(link); b && b->is_bool()) v.find("appLinks")->set(link, *b);
    return v;
}

Json accessibility(const Json& body, Causes& causes) {
    Json a = Json::object();
    a.set("selfService", false);
    a.set("errorRedirectUrl", nullptr);
    a.set("loginRedirectUrl", nullptr);
    const Json* given = body.find("accessibility");
    if (!given || given->is_null()) return a;
    if (!given->is_object()) {
        causes.add("accessibility", "The field must be an object");
        return a;
    }
    if (const Json* s = given->find("selfService"); s && s->is_bool()) a.set("selfService", *s);
    optional_url(*given, "errorRedirectUrl", a, causes, "accessibility.");
    optional_url(*given, "loginRedirectUrl", a, causes, "accessibility.");
    return a;
}

}  // namespace

Result<AppDraft> app_from_body(const Json& body, const Json* current) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    const std::string name = body.string_at("name");
    if (name.empty()) {
        causes.add("name", "The field cannot be left blank");
        return std::unexpected(causes.result().error());
    }
    if (name != "bookmark" && name != "oidc_client") {
        causes.add("name", "'" + name + "' is not an application this server offers: use " +
                               "bookmark or oidc_client");
        return std::unexpected(causes.result().error());
    }
    if (current && current->string_at("name") != name)
        causes.add("name", "The name of an application cannot be changed");
    const bool oidc = name == "oidc_client";
    const std::string mode = oidc ? "OPENID_CONNECT" : "BOOKMARK";
    if (const Json* m = body.find("signOnMode"); m && !m->is_null() && *m != Json(mode))
        causes.add("signOnMode", "The sign-on mode of '" + name + "' is " + mode);
    const Json* label = body.find("label");
    if (!label || label->is_null() || (label->is_string() && label->as_string().empty()))
        causes.add("label", "The field cannot be left blank");
    else if (!label->is_string())
        causes.add("label", "The field must be a string");
    else if (utf8_length(label->as_string()) > kMaxLabel)
        causes.add("label", "The field cannot exceed 100 characters");

    AppDraft draft;
    Json app = Json::object();
    app.set("name", name);
    app.set("label", label && label->is_string() ? *label : Json(""));
    app.set("signOnMode", mode);
    app.set("accessibility", accessibility(body, causes));
    app.set("visibility", visibility(body, app_link_name(app), causes));
    Json features = Json::array();
    if (const Json* f = body.find("features"); f && f->is_array())
        for (const Json& e : f->as_array())
            if (e.is_string()) features.push(e);
    app.set("features", std::move(features));

    Json template_ = Json::object();
    template_.set("template", "${source.login}");
    template_.set("type", "BUILT_IN");
    Json credentials = Json::object();
    credentials.set("userNameTemplate", std::move(template_));
    credentials.set("signing", Json::object());

    const Json* settings_in = body.find("settings");
    if (settings_in && !settings_in->is_null() && !settings_in->is_object())
        causes.add("settings", "The field must be an object");
    const Json* given_credentials = body.find("credentials");
    if (given_credentials && !given_credentials->is_object()) given_credentials = nullptr;
    Json settings = Json::object();
    if (!oidc) {
        const Json* app_settings =
            settings_in && settings_in->is_object() ? settings_in->find("app") : nullptr;
        Json s = Json::object();
        const Json* url =
            app_settings && app_settings->is_object() ? app_settings->find("url") : nullptr;
        if (!url || url->is_null())
            causes.add("settings.app.url", "The field cannot be left blank");
        else if (!url->is_string() || !is_web_url(url->as_string()))
            causes.add("settings.app.url", "The field must be an absolute http or https URL");
        else
            s.set("url", *url);
        bool integration = false;
        if (app_settings && app_settings->is_object())
            if (const Json* r = app_settings->find("requestIntegration"); r && r->is_bool())
                integration = r->as_bool();
        s.set("requestIntegration", integration);
        settings.set("app", std::move(s));
    } else {
        std::string method;
        Json oauth = oauth_settings(
            settings_in && settings_in->is_object() ? settings_in->find("oauthClient") : nullptr,
            causes, method, given_credentials);
        settings.set("app", Json::object());
        settings.set("oauthClient", std::move(oauth));
        Json client = Json::object();
        const Json* given_oauth =
            given_credentials ? given_credentials->find("oauthClient") : nullptr;
        bool rotation = true;
        if (given_oauth)
            if (const Json* r = given_oauth->find("autoKeyRotation"); r && r->is_bool())
                rotation = r->as_bool();
        client.set("autoKeyRotation", rotation);
        client.set("client_id", "");  // the app's id, set when decided
        client.set("token_endpoint_auth_method", method);
        const bool confidential = method == "client_secret_basic" ||
                                  method == "client_secret_post" || method == "client_secret_jwt";
        if (confidential) {
            const Json* given_secret = given_oauth ? given_oauth->find("client_secret") : nullptr;
            const Json* kept = nullptr;
            if (current)
                if (const Json* c = current->find("credentials"))
                    if (const Json* o = c->find("oauthClient"))
                        kept = o->find("client_secret_digest");
            if (given_secret && given_secret->is_string()) {
                const size_t n = given_secret->as_string().size();
                if (n < kMinSecret || n > kMaxSecret)
                    causes.add("credentials.oauthClient.client_secret",
                               "A client secret has 14 to 100 characters");
                else
                    draft.client_secret = given_secret->as_string();
            } else if (!kept) {
                draft.client_secret = random_base62(40);
            }
            if (draft.client_secret)
                client.set("client_secret_digest", token_digest(*draft.client_secret));
            else if (kept)
                client.set("client_secret_digest", *kept);
        }
        credentials.set("oauthClient", std::move(client));
    }
    app.set("credentials", std::move(credentials));
    app.set("settings", std::move(settings));
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    draft.app = std::move(app);
    return draft;
}

Result<void> check_app_user_body(const Json& body) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    if (const Json* s = body.find("scope"); s && !s->is_null() && *s != Json("USER"))
        causes.add("scope", "A user is assigned directly with scope USER");
    if (const Json* p = body.find("profile"); p && p->is_object())
        for (const auto& [k, v] : p->as_object())
            causes.add("profile." + k,
                       "Property name '" + k + "' is not defined in the app user schema");
    return causes.result();
}

Result<std::optional<int64_t>> app_group_priority(const Json& body) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    std::optional<int64_t> priority;
    if (const Json* p = body.find("priority"); p && !p->is_null()) {
        if (!p->is_int() || p->as_int() < 0 || p->as_int() > 100)
            causes.add("priority", "The field must be an integer from 0 to 100");
        else
            priority = p->as_int();
    }
    if (const Json* p = body.find("profile"); p && p->is_object())
        for (const auto& [k, v] : p->as_object())
            causes.add("profile." + k,
                       "Property name '" + k + "' is not defined in the app group schema");
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    return priority;
}

}  // namespace idledger::domain
