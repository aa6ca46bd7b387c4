// The servers' metadata (/.well-known/openid-configuration, /.well-known/oauth-authorization-
// server), their public keys (/keys), and the admin's view of the keys with rotation
// (/api/v1/authorizationServers/{id}/credentials/...).

#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/clock.hpp"
#include "oauth/endpoints.hpp"
#include "oauth/key_ring.hpp"
#include "oauth/server.hpp"

namespace idledger::api::oauth {

using domain::Json;

namespace {

Json strings(std::initializer_list<std::string_view> items) {
    Json a = Json::array();
    for (auto s : items) a.push(s);
    return a;
}

Json metadata(const AuthServer& s, bool openid) {
    Json m = Json::object();
    m.set("issuer", s.issuer);
    m.set("authorization_endpoint", s.endpoint("authorize"));
    m.set("token_endpoint", s.endpoint("token"));
    if (openid) m.set("userinfo_endpoint", s.endpoint("userinfo"));
    m.set("jwks_uri", s.endpoint("keys"));
    m.set("response_types_supported", strings({"code"}));
    m.set("response_modes_supported", strings({"query"}));
    m.set("grant_types_supported",
          strings({"authorization_code", "refresh_token", "password", "client_credentials"}));
    if (openid) {
        m.set("subject_types_supported", strings({"public"}));
        m.set("id_token_signing_alg_values_supported", strings({"RS256"}));
    }
    Json scopes = strings({"openid", "profile", "email", "address", "phone", "offline_access"});
    m.set("scopes_supported", std::move(scopes));
    m.set("token_endpoint_auth_methods_supported",
          strings({"client_secret_basic", "client_secret_post", "none"}));
    if (openid)
        m.set("claims_supported", strings({"iss",
                                           "ver",
                                           "sub",
                                           "aud",
                                           "iat",
                                           "exp",
                                           "jti",
                                           "auth_time",
                                           "amr",
                                           "idp",
                                           "nonce",
                                           "name",
                                           "nickname",
                                           "preferred_username",
                                           "given_name",
                                           "middle_name",
                                           "family_name",
                                           "email",
                                           "email_verified",
                                           "profile",
                                           "zoneinfo",
                                           "locale",
                                           "address",
                                           "phone_number",
                                           "updated_at",
                                           "at_hash"}));
    m.set("code_challenge_methods_supported", strings({"S256"}));
    m.set("introspection_endpoint", s.endpoint("introspect"));
    m.set("introspection_endpoint_auth_methods_supported",
          strings({"client_secret_basic", "client_secret_post", "none"}));
    m.set("revocation_endpoint", s.endpoint("revoke"));
    m.set("revocation_endpoint_auth_methods_supported",
          strings({"client_secret_basic", "client_secret_post", "none"}));
    m.set("end_session_endpoint", s.endpoint("logout"));
    m.set("request_parameter_supported", false);
    return m;
}

Answer described(RequestContext& ctx, bool openid) {
    auto s = server_for(ctx);
    if (!s) return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    HttpResponse res = json_response(200, metadata(*s, openid));
    res.add_header("Cache-Control", "max-age=86400, must-revalidate");
    return res;
}

Json admin_key(const RequestContext& ctx, const SigningKey& k) {
    Json j = jwk(k);
    j.set("status", k.status);
    j.set("created", domain::format_iso8601(k.created));
    j.set("lastUpdated", domain::format_iso8601(k.last_updated));
    Json links = Json::object();
    links.set("self", hal_link(ctx.base_url + "/api/v1/authorizationServers/" +
                                   ctx.param("authServerId") + "/credentials/keys/" + k.kid,
                               {"GET"}));
    j.set("_links", std::move(links));
    return j;
}

}  // namespace

Answer openid_configuration(RequestContext& ctx, const HttpRequest&) {
    return described(ctx, true);
}
Answer oauth_configuration(RequestContext& ctx, const HttpRequest&) {
    return described(ctx, false);
}

Answer keys(RequestContext& ctx, const HttpRequest&) {
    if (!server_for(ctx))
        return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    Json list = Json::array();
    for (const auto& k : key_ring(ctx.app).keys()) list.push(jwk(k));
    Json out = Json::object();
    out.set("keys", std::move(list));
    HttpResponse res = json_response(200, out);
    // Clients cache the set; a rotation keeps the old key published, so an hour of caching
    // loses nothing.
    res.add_header("Cache-Control", "max-age=3600, must-revalidate");
    return res;
}

Answer list_server_keys(RequestContext& ctx, const HttpRequest&) {
    if (ctx.param("authServerId") != "default")
        return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    Json list = Json::array();
    for (const auto& k : key_ring(ctx.app).keys()) list.push(admin_key(ctx, k));
    return json_response(200, list);
}

Answer rotate_server_keys(RequestContext& ctx, const HttpRequest& req) {
    if (ctx.param("authServerId") != "default")
        return domain::not_found(ctx.param("authServerId"), "AuthorizationServer");
    auto body = parse_body(req, true);
    if (!body) return std::unexpected(body.error());
    if (const Json* use = body->find("use");
        use && !(use->is_string() && use->as_string() == "sig"))
        return domain::validation("use", "Must be 'sig'");
    auto rotated = key_ring(ctx.app).rotate(ctx.app);
    if (!rotated) return std::unexpected(rotated.error());
    Json list = Json::array();
    for (const auto& k : key_ring(ctx.app).keys()) list.push(admin_key(ctx, k));
    return json_response(200, list);
}

}  // namespace idledger::api::oauth
