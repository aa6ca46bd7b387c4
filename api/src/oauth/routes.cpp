// The authorization servers' route rows: each endpoint under the org server (/oauth2/v1/...) and
// under a custom server (/oauth2/{authServerId}/v1/...; `default` is the one there is).

#include "oauth/endpoints.hpp"

namespace idledger::api::oauth {

std::vector<Route> routes() {
    using enum Exec;
    std::vector<Route> out;
    struct Endpoint {
        std::string_view method, path, operation_id;
        Exec exec;
        Handler handler;
        bool form = false;
    };
    static constexpr Endpoint kEndpoints[] = {
        {"GET", "authorize", "authorize", Blocking, authorize},
        {"POST", "authorize", "authorizeWithPost", Blocking, authorize_form, true},
        {"POST", "token", "token", Blocking, token, true},
        {"POST", "introspect", "introspect", Inline, introspect, true},
        {"POST", "revoke", "revoke", Blocking, revoke, true},
        {"GET", "userinfo", "userinfo", Inline, userinfo},
        {"POST", "userinfo", "userinfoWithPost", Inline, userinfo, true},
        {"GET", "logout", "logout", Blocking, logout},
        {"GET", "keys", "oauthKeys", Inline, keys},
    };
    // Patterns live as long as the table: kept in a static list.
    static const std::vector<std::string> kPatterns = [] {
        std::vector<std::string> p;
        for (const auto& e : kEndpoints) {
            p.push_back("/oauth2/v1/" + std::string(e.path));
            p.push_back("/oauth2/{authServerId}/v1/" + std::string(e.path));
        }
        return p;
    }();
    static const std::vector<std::string> kOperations = [] {
        std::vector<std::string> p;
        for (const auto& e : kEndpoints) {
            p.push_back(std::string(e.operation_id));
            p.push_back(std::string(e.operation_id) + "CustomAS");
        }
        return p;
    }();
    for (size_t i = 0; i < std::size(kEndpoints); ++i)
        for (size_t j = 0; j < 2; ++j) {
            const Endpoint& e = kEndpoints[i];
            out.push_back({e.method, kPatterns[2 * i + j], kOperations[2 * i + j], "oauth2",
                           kPublic, e.exec, e.handler, nullptr, e.form});
        }
    out.insert(
        out.end(),
        {
            {"GET", "/.well-known/openid-configuration", "getWellKnownOpenIDConfiguration",
             "oauth2", kPublic, Inline, openid_configuration},
            {"GET", "/.well-known/oauth-authorization-server", "getWellKnownOAuthConfiguration",
             "oauth2", kPublic, Inline, oauth_configuration},
            {"GET", "/oauth2/{authServerId}/.well-known/openid-configuration",
             "getWellKnownOpenIDConfigurationCustomAS", "oauth2", kPublic, Inline,
             openid_configuration},
            {"GET", "/oauth2/{authServerId}/.well-known/oauth-authorization-server",
             "getWellKnownOAuthConfigurationCustomAS", "oauth2", kPublic, Inline,
             oauth_configuration},
            {"GET", "/api/v1/authorizationServers/{authServerId}/credentials/keys",
             "listAuthorizationServerKeys", "other", need("okta.authzServers.read"), Inline,
             list_server_keys},
            {"POST", "/api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate",
             "rotateAuthorizationServerKeys", "other", need("okta.authzServers.manage"), Blocking,
             rotate_server_keys},
        });
    return out;
}

}  // namespace idledger::api::oauth
