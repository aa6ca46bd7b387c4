// POST /api/v1/authn: SUCCESS with a one-time sessionToken, PASSWORD_EXPIRED, LOCKED_OUT, or
// 401 E0000004 — the same answer for an unknown user and a wrong password, after the same work
// (a password is always hashed once), so neither the answer nor its timing tells them apart.

#include "authn/authn.hpp"

#include "authn/transactions.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/sign_in.hpp"
#include "sessions/sessions.hpp"
#include "threats/threat_enforcement.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::authn {

using domain::Json;
using R = domain::Result<HttpResponse>;

namespace {

/// A password nobody has, hashed once at start: verifying against it costs what a real
/// verification costs.
const domain::StoredPassword& decoy(App& app) {
    static const domain::StoredPassword kDecoy = [&] {
        domain::StoredPassword p;
        p.algorithm = "ARGON2ID";
        p.value =
            domain::argon2id_hash(domain::Secret(domain::random_base62(32)), app.config.argon2);
        return p;
    }();
    return kDecoy;
}

domain::Error authentication_failed() {
    return domain::Error{domain::ErrorCode::AuthenticationFailed, {}, {}};
}

R sign_in(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* username = body->find("username");
    // The other forms: an activation or recovery token, or a transaction's stateToken.
    if (const Json* token = body->find("token"); token && !username) {
        if (!token->is_string() || token->as_string().empty())
            return domain::validation("token", "The field cannot be left blank");
        return redeem_token(ctx, token->as_string());
    }
    if (const Json* state = body->find("stateToken"); state && state->is_string() && !username)
        return resume(ctx, state->as_string());
    const Json* password = body->find("password");
    domain::Causes causes;
    if (!username || !username->is_string() || username->as_string().empty())
        causes.add("username", "The field cannot be left blank");
    if (!password || !password->is_string() || password->as_string().empty())
        causes.add("password", "The field cannot be left blank");
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    auto done = sign_in_with_password(ctx, username->as_string(), password->as_string());
    if (!done) return std::unexpected(done.error());
    if (done->blocked)
        return std::unexpected(domain::Error{domain::ErrorCode::PermissionDenied, {}, {}});
    const domain::SignInOutcome outcome = done->outcome;
    if (outcome == domain::SignInOutcome::Failed || !done->row)
        return std::unexpected(authentication_failed());
    const domain::User& u = done->row->user;
    Json out = Json::object();
    switch (outcome) {
        case domain::SignInOutcome::Success:
            if (password_warning_due(ctx.app, u))
                return password_state(ctx, u, "PASSWORD_WARN", password_days_left(ctx.app, u));
            out.set("expiresAt", domain::format_iso8601(done->session_expires_at));
            out.set("status", "SUCCESS");
            out.set("sessionToken", done->session_token);
            out.set("_embedded", embedded_user(u));
            return json_response(200, out);
        case domain::SignInOutcome::PasswordExpired:
            return password_state(ctx, u, "PASSWORD_EXPIRED");
        case domain::SignInOutcome::LockedOut: {
            out.set("status", "LOCKED_OUT");
            Json next = hal_link(ctx.base_url + "/api/v1/authn/recovery/unlock", {"POST"});
            next.set("name", "unlock");
            Json links = Json::object();
            links.set("next", std::move(next));
            out.set("_links", std::move(links));
            return json_response(200, out);
        }
        case domain::SignInOutcome::Failed:
            break;
    }
    return std::unexpected(authentication_failed());
}

}  // namespace

domain::Result<PasswordSignIn> sign_in_with_password(RequestContext& ctx,
                                                     const std::string& username,
                                                     const std::string& password) {
    const domain::Secret secret(password);
    PasswordSignIn out;
    if (!threat_insight::screen_sign_in(ctx)) {
        out.blocked = true;
        return out;
    }
    auto found = ctx.app.reader.find_user(username);
    if (!found) return std::unexpected(store_failure(found.error()));
    if (!*found || !(*found)->user.password) {
        (void)domain::verify_password(secret, decoy(ctx.app));
        if (!*found) {
            threat_insight::learn_sign_in(ctx, username, false);
            return out;
        }
    }
    const domain::User& seen = (*found)->user;
    domain::SignInAttempt attempt;
    if (seen.password) {
        attempt.verified = *seen.password;
        attempt.password_ok = domain::verify_password(secret, *seen.password);
        if (attempt.password_ok && seen.password->algorithm != "ARGON2ID") {
            domain::StoredPassword rehashed;
            rehashed.algorithm = "ARGON2ID";
            rehashed.value = domain::argon2id_hash(secret, ctx.app.config.argon2);
            attempt.rehash = std::move(rehashed);
        }
    }
    out.session_token = sessions::new_session_token(seen.id);
    attempt.session_token_digest = domain::token_digest(out.session_token);
    attempt.session_expires_at = ctx.app.clock.now_ms() + ctx.app.config.session_token_ttl_ms;
    out.session_expires_at = attempt.session_expires_at;

    const domain::LockoutPolicy policy = ctx.app.config.lockout;
    auto done = run_user_command(
        ctx, seen.id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& row,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto decision = domain::decide_sign_in(row->user, attempt, policy, tx.now_ms());
            out.outcome = decision.outcome;
            return std::move(decision.events);
        });
    if (!done) return std::unexpected(done.error());
    out.row = std::move(done->row);
    threat_insight::learn_sign_in(ctx, username,
                                  out.outcome == domain::SignInOutcome::Success ||
                                      out.outcome == domain::SignInOutcome::PasswordExpired);
    if (out.outcome != domain::SignInOutcome::Success) out.session_token.clear();
    return out;
}

std::vector<Route> routes() {
    using enum Exec;
    std::vector<Route> out = {
        {"POST", "/api/v1/authn", "Authentication_authenticate", "authn", kPublic, Blocking,
         sign_in},
    };
    for (auto& r : transaction_routes()) out.push_back(std::move(r));
    return out;
}

}  // namespace idledger::api::authn
