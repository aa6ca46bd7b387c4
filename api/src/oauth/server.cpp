#include "oauth/server.hpp"

#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "groups/groups.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/jwt.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/password_hash.hpp"
#include "oauth/key_ring.hpp"

namespace idledger::api::oauth {

using domain::Json;

namespace {

AuthServer make_server(const std::string& base_url, std::string_view id) {
    AuthServer s;
    s.id = std::string(id);
    if (s.org()) {
        s.issuer = base_url;
        s.audience = base_url;
    } else {
        s.issuer = base_url + "/oauth2/" + s.id;
        s.audience = "api://" + s.id;
    }
    return s;
}

const Json* oauth_member(const Json& app, std::string_view part) {
    const Json* p = app.find(part);
    return p ? p->find("oauthClient") : nullptr;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<std::pair<std::string, std::string>> basic_credentials(const HttpRequest& req) {
    const std::string* h = req.header("authorization");
    if (!h || h->size() < 7 || !(h->starts_with("Basic ") || h->starts_with("basic ")))
        return std::nullopt;
    std::string b64 = h->substr(6);
    // base64 -> base64url for the shared decoder.
    for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    auto decoded = domain::base64url_decode(b64);
    if (!decoded) return std::nullopt;
    // A public client may name itself alone ("client_id", or "client_id:").
    const size_t colon = decoded->find(':');
    auto id = percent_decode(decoded->substr(0, colon), true);
    auto secret = colon == std::string::npos ? std::optional<std::string>("")
                                             : percent_decode(decoded->substr(colon + 1), true);
    if (!id || !secret) return std::nullopt;
    return std::pair{*id, *secret};
}

}  // namespace

std::string AuthServer::endpoint(std::string_view name) const {
    return issuer + (org() ? "/oauth2/v1/" : "/v1/") + std::string(name);
}

std::optional<AuthServer> server_for(const RequestContext& ctx) {
    const std::string& id = ctx.param("authServerId");
    if (id.empty()) return make_server(ctx.base_url, "");
    if (id != "default") return std::nullopt;
    return make_server(ctx.base_url, id);
}

std::optional<AuthServer> server_by_issuer(const App& app, const std::string& base_url,
                                           std::string_view iss) {
    for (const std::string& base : {base_url, app.config.public_url})
        for (std::string_view id : {"", "default"}) {
            AuthServer s = make_server(base, id);
            if (s.issuer == iss) return s;
        }
    return std::nullopt;
}

HttpResponse no_store_json(int status, const Json& body) {
    HttpResponse res = json_response(status, body);
    res.add_header("Cache-Control", "no-store");
    res.add_header("Pragma", "no-cache");  // HTTP/1.0 caches (RFC 6749 §5.1)
    return res;
}

HttpResponse oauth_error(int status, std::string_view error, std::string_view description) {
    Json body = Json::object();
    body.set("error", error);
    body.set("error_description", description);
    return no_store_json(status, body);
}

std::optional<std::vector<std::pair<std::string, std::string>>> form_params(
    const HttpRequest& req) {
    const std::string* type = req.header("content-type");
    if (!type) return req.body.empty() ? std::optional(decltype(req.query){}) : std::nullopt;
    std::string_view t(*type);
    t = t.substr(0, t.find(';'));
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    std::string lower(t);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "application/x-www-form-urlencoded") return std::nullopt;
    return parse_query(req.body);
}

std::string form_value(const std::vector<std::pair<std::string, std::string>>& params,
                       std::string_view name) {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return {};
}

bool Client::allows_grant(std::string_view grant_type) const {
    const Json* settings = oauth_member(app.state, "settings");
    const Json* grants = settings ? settings->find("grant_types") : nullptr;
    if (!grants || !grants->is_array()) return false;
    for (const auto& g : grants->as_array())
        if (g.is_string() && g.as_string() == grant_type) return true;
    return false;
}

std::string Client::name() const { return app.state.string_at("label"); }

domain::Result<std::optional<projections::Document>> find_client(App& app,
                                                                 std::string_view client_id) {
    if (client_id.empty()) return std::optional<projections::Document>{};
    auto doc = app.documents.get(domain::kApps, client_id);
    if (!doc) return std::unexpected(store_failure(doc.error()));
    if (!*doc || (*doc)->state.string_at("status") != "ACTIVE" ||
        (*doc)->state.string_at("signOnMode") != "OPENID_CONNECT")
        return std::optional<projections::Document>{};
    return std::move(*doc);
}

std::expected<Client, HttpResponse> authenticate_client(
    RequestContext& ctx, const HttpRequest& req,
    const std::vector<std::pair<std::string, std::string>>& params) {
    auto refuse = [](std::string_view why) {
        HttpResponse r = oauth_error(401, "invalid_client", why);
        return std::unexpected(std::move(r));
    };
    std::string id = form_value(params, "client_id");
    std::optional<std::string> secret;
    const auto basic = basic_credentials(req);
    if (basic) {
        if (!id.empty() && id != basic->first) return refuse("Client authentication failed.");
        id = basic->first;
        if (!basic->second.empty()) secret = basic->second;
    } else if (const std::string s = form_value(params, "client_secret"); !s.empty()) {
        secret = s;
    }
    if (!form_value(params, "client_assertion").empty())
        return refuse("Client authentication with a JWT assertion is not supported.");
    if (id.empty())
        return refuse(
            "Client authentication failed. Either the client or the client credentials are "
            "invalid.");
    auto doc = find_client(ctx.app, id);
    if (!doc) return std::unexpected(error_response(doc.error()));
    if (!*doc) return refuse("The client specified is not valid.");
    Client c{id, std::move(**doc), false};
    const Json* creds = oauth_member(c.app.state, "credentials");
    const std::string method = creds ? creds->string_at("token_endpoint_auth_method") : "";
    if (method == "none") {
        if (secret) return refuse("Client authentication failed. The client is a public client.");
        return c;
    }
    const std::string digest = creds ? creds->string_at("client_secret_digest") : "";
    if (!secret || digest.empty() || !constant_time_equal(domain::token_digest(*secret), digest) ||
        (method == "client_secret_basic" && !basic) || (method == "client_secret_post" && basic))
        return refuse(
            "Client authentication failed. Either the client or the client credentials are "
            "invalid.");
    c.confidential = true;
    return c;
}

domain::Result<bool> assigned(RequestContext& ctx, std::string_view app_id,
                              std::string_view user_id) {
    auto direct = ctx.app.documents.related(domain::kAppUsers, app_id, user_id);
    if (!direct) return std::unexpected(store_failure(direct.error()));
    if (*direct) return true;
    std::vector<std::string> groups;
    auto scanned = ctx.app.documents.related_ids(domain::kAppGroups, true, app_id, 0,
                                                 [&](uint64_t, std::string_view g) {
                                                     groups.emplace_back(g);
                                                     return true;
                                                 });
    if (!scanned) return std::unexpected(store_failure(scanned.error()));
    for (const auto& g : groups) {
        auto member = groups::is_member(ctx, g, user_id);
        if (!member) return std::unexpected(member.error());
        if (*member) return true;
    }
    return false;
}

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        size_t j = i;
        while (j < text.size() && text[j] != ' ') ++j;
        if (j > i && !has_scope(out, text.substr(i, j - i)))
            out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& s : scopes) {
        if (!out.empty()) out += ' ';
        out += s;
    }
    return out;
}

bool has_scope(const std::vector<std::string>& scopes, std::string_view s) {
    for (const auto& x : scopes)
        if (x == s) return true;
    return false;
}

std::string unknown_scope(const AuthServer& server, const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
        if (domain::find_scope(s, server.org())) continue;
        // The default server's own scopes: any well-formed name it is asked for (it has no
        // scope catalogue of its own yet), except the Management API's.
        bool custom = !server.org() && !s.starts_with("okta.") && s.size() <= 255;
        for (char c : s)
            if (c <= ' ' || c == '"' || c == '\\' || c > '~') custom = false;
        if (!custom) return s;
    }
    return {};
}

domain::Result<std::string> mint_access_token(RequestContext& ctx, const AuthServer& server,
                                              const Issue& issue) {
    const SigningKey key = key_ring(ctx.app).active();
    const domain::Millis now = ctx.app.clock.now_ms();
    Json c = Json::object();
    c.set("ver", 1);
    std::string jti = "AT." + domain::random_base62(43);
    if (!issue.refresh_id.empty()) jti += "." + issue.refresh_id;
    c.set("jti", jti);
    c.set("iss", server.issuer);
    c.set("aud", server.audience);
    c.set("iat", now / 1000);
    c.set("exp", (now + ctx.app.config.access_token_ttl_ms) / 1000);
    c.set("cid", issue.client_id);
    if (!issue.user_id.empty()) {
        c.set("uid", issue.user_id);
        auto user = ctx.app.reader.user(issue.user_id);
        if (!user) return std::unexpected(store_failure(user.error()));
        if (!*user) return domain::not_found(issue.user_id, "User");
        c.set("sub", (*user)->user.profile.string_at("login"));
        if (issue.auth_time) c.set("auth_time", issue.auth_time / 1000);
    } else {
        c.set("sub", issue.client_id);
    }
    Json scp = Json::array();
    for (const auto& s : issue.scopes) scp.push(s);
    c.set("scp", std::move(scp));
    return domain::jwt_sign(key.key, key.kid, c);
}

domain::Result<std::string> mint_id_token(RequestContext& ctx, const AuthServer& server,
                                          const Issue& issue, std::string_view access_token) {
    const SigningKey key = key_ring(ctx.app).active();
    const domain::Millis now = ctx.app.clock.now_ms();
    auto claims = user_claims(ctx, issue.user_id, issue.scopes);
    if (!claims) return std::unexpected(claims.error());
    Json c = std::move(*claims);
    c.set("ver", 1);
    c.set("iss", server.issuer);
    c.set("aud", issue.client_id);
    c.set("iat", now / 1000);
    c.set("exp", (now + ctx.app.config.access_token_ttl_ms) / 1000);
    c.set("jti", "ID." + domain::random_base62(43));
    Json amr = Json::array();
    amr.push("pwd");
    c.set("amr", std::move(amr));
    c.set("idp", "00o" + domain::derived_token(ctx.app.link_key, "okta-idp", 17));
    if (!issue.nonce.empty()) c.set("nonce", issue.nonce);
    if (issue.auth_time) c.set("auth_time", issue.auth_time / 1000);
    if (!access_token.empty()) {
        const std::string d = domain::sha256(access_token);
        c.set("at_hash", domain::base64url(d.substr(0, 16)));
    }
    return domain::jwt_sign(key.key, key.kid, c);
}

std::optional<Json> verified_claims(App& app, const std::string& base_url, std::string_view token) {
    auto parts = domain::jwt_split(token);
    if (!parts || parts->header.string_at("alg") != "RS256") return std::nullopt;
    auto key = key_ring(app).find(parts->header.string_at("kid"));
    if (!key || !key->verify_rs256(parts->signing_input, parts->signature)) return std::nullopt;
    const Json& c = parts->claims;
    if (!c.string_at("jti").starts_with("AT.")) return std::nullopt;  // an ID token is no access
    if (!server_by_issuer(app, base_url, c.string_at("iss"))) return std::nullopt;
    const Json* exp = c.find("exp");
    if (!exp || !exp->is_int() || exp->as_int() * 1000 <= app.clock.now_ms()) return std::nullopt;
    return parts->claims;
}

domain::Result<bool> still_active(App& app, const Json& claims) {
    const std::string jti = claims.string_at("jti");
    auto revoked = app.documents.by_unique(domain::kRevokedAccessTokens, "jti", jti);
    if (!revoked) return std::unexpected(store_failure(revoked.error()));
    if (*revoked) return false;
    if (const size_t dot = jti.rfind('.'); dot > 2) {
        auto family = app.documents.get(domain::kOAuthRefreshTokens, jti.substr(dot + 1));
        if (!family) return std::unexpected(store_failure(family.error()));
        if (!*family) return false;
    }
    if (const std::string uid = claims.string_at("uid"); !uid.empty()) {
        auto user = app.reader.user(uid);
        if (!user) return std::unexpected(store_failure(user.error()));
        if (!*user || (*user)->user.status != domain::UserStatus::Active) return false;
    }
    auto client = find_client(app, claims.string_at("cid"));
    if (!client) return std::unexpected(client.error());
    return client->has_value();
}

domain::Result<std::string> issue_refresh_token(RequestContext& ctx, const AuthServer& server,
                                                Issue& issue) {
    std::string value;
    auto made = create_document(
        ctx, domain::kOAuthRefreshTokens,
        [&](const std::string& id,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            value = id + domain::random_base62(43);
            Json d = Json::object();
            d.set("id", id);
            d.set("status", "ACTIVE");
            d.set("server", server.key());
            d.set("issuer", server.issuer);
            d.set("clientId", issue.client_id);
            d.set("userId", issue.user_id);
            Json scopes = Json::array();
            for (const auto& s : issue.scopes) scopes.push(s);
            d.set("scopes", std::move(scopes));
            d.set("digest", domain::token_digest(value));
            d.set("expiresAt", ctx.app.clock.now_ms() + ctx.app.config.refresh_token_ttl_ms);
            if (issue.auth_time) d.set("authTime", issue.auth_time);
            return domain::decide_issue(domain::oauth_event::kRefreshIssued, std::move(d));
        });
    if (!made) return std::unexpected(made.error());
    issue.refresh_id = made->id;
    return value;
}

domain::Result<Json> user_claims(RequestContext& ctx, std::string_view user_id,
                                 const std::vector<std::string>& scopes) {
    auto row = ctx.app.reader.user(user_id);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row) return domain::not_found(user_id, "User");
    const domain::User& u = (*row)->user;
    const Json& p = u.profile;
    Json c = Json::object();
    c.set("sub", u.id);
    auto copy = [&](std::string_view claim, std::string_view field) {
        const Json* v = p.find(field);
        c.set(claim, v ? *v : Json(nullptr));
    };
    if (has_scope(scopes, "profile")) {
        const std::string name = p.string_at("firstName") + " " + p.string_at("lastName");
        c.set("name", name);
        copy("given_name", "firstName");
        copy("family_name", "lastName");
        copy("middle_name", "middleName");
        copy("nickname", "nickName");
        c.set("preferred_username", p.string_at("login"));
        copy("profile", "profileUrl");
        copy("locale", "locale");
        copy("zoneinfo", "timezone");
        c.set("updated_at", u.last_updated / 1000);
    }
    if (has_scope(scopes, "email")) {
        copy("email", "email");
        c.set("email_verified", u.status == domain::UserStatus::Active);
    }
    if (has_scope(scopes, "phone")) copy("phone_number", "mobilePhone");
    if (has_scope(scopes, "address")) {
        Json a = Json::object();
        a.set("street_address", p.string_at("streetAddress"));
        a.set("locality", p.string_at("city"));
        a.set("region", p.string_at("state"));
        a.set("postal_code", p.string_at("zipCode"));
        a.set("country", p.string_at("countryCode"));
        c.set("address", std::move(a));
    }
    return c;
}

}  // namespace idledger::api::oauth
