#include "authn/state_token.hpp"

#include <openssl/crypto.h>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/jwt.hpp"
#include "idledger/domain/password_hash.hpp"

namespace idledger::api::authn {

namespace {

constexpr std::string_view kPrefix = "00";

std::string signature(const App& app, std::string_view body) {
    return domain::derived_token(app.link_key, "authn-state/" + std::string(body), 32);
}

}  // namespace

std::string issue_state_token(const App& app, const AuthnState& s) {
    domain::Json j = domain::Json::object();
    j.set("u", s.user_id);
    j.set("s", s.status);
    j.set("b", s.binding);
    j.set("x", s.expires_at);
    const std::string body = domain::base64url(j.dump());
    return std::string(kPrefix) + body + "." + signature(app, body);
}

std::optional<AuthnState> read_state_token(const App& app, std::string_view token,
                                           domain::Millis now) {
    if (!token.starts_with(kPrefix) || token.size() > 2048) return std::nullopt;
    token.remove_prefix(kPrefix.size());
    const size_t dot = token.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const std::string_view body = token.substr(0, dot);
    const std::string_view sig = token.substr(dot + 1);
    const std::string expected = signature(app, body);
    if (sig.size() != expected.size() || CRYPTO_memcmp(sig.data(), expected.data(), sig.size()))
        return std::nullopt;
    auto text = domain::base64url_decode(body);
    if (!text) return std::nullopt;
    auto j = domain::parse_json(*text);
    if (!j || !j->is_object()) return std::nullopt;
    AuthnState s;
    s.user_id = j->string_at("u");
    s.status = j->string_at("s");
    s.binding = j->string_at("b");
    const domain::Json* x = j->find("x");
    if (!x || !x->is_int()) return std::nullopt;
    s.expires_at = x->as_int();
    if (s.expires_at <= now || s.user_id.empty()) return std::nullopt;
    return s;
}

std::string activation_binding(std::string_view token_digest) {
    return "a:" + std::string(token_digest);
}

std::string recovery_binding(std::string_view token_digest) {
    return "r:" + std::string(token_digest);
}

std::string password_binding(const domain::User& u) {
    return u.password ? "p:" + domain::token_digest(u.password->value) : std::string("p:");
}

bool binding_holds(const domain::User& u, const std::string& binding) {
    const std::string_view rest =
        std::string_view(binding).substr(std::min<size_t>(2, binding.size()));
    if (binding.starts_with("a:")) return u.activation_token_digest == rest;
    if (binding.starts_with("r:")) return u.forgot_token_digest == rest;
    if (binding.starts_with("p:")) return u.password && password_binding(u) == binding;
    return false;
}

}  // namespace idledger::api::authn
