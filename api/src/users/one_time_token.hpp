#pragma once
// One-time tokens (activation, password reset): the clear value goes to the caller (or into the
// e-mail) once; events keep only its digest. A token is derived from the id of the request that
// issues it with the server's link key, so the outbox can write the e-mail again after a crash.

#include <string>

#include "core/app.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/user_decide.hpp"

namespace idledger::api {

struct OneTimeToken {
    std::string value;
    domain::IssuedToken issued;  // digest and expiry, for the event
};

inline OneTimeToken link_token(const App& app, const std::string& request_id,
                               domain::Millis ttl_ms) {
    OneTimeToken t;
    t.value = domain::derived_token(app.link_key, request_id);
    t.issued.digest = domain::token_digest(t.value);
    t.issued.expires_at = app.clock.now_ms() + ttl_ms;
    return t;
}

/// Where each e-mail template's link points (relative to the org's base URL).
inline std::string link_path(std::string_view email_template) {
    if (email_template == domain::email_template::kActivation) return "/welcome/";
    if (email_template == domain::email_template::kForgotPassword) return "/signin/reset-password/";
    return "/reset_password/";
}

}  // namespace idledger::api
