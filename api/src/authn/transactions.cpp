// POST /api/v1/authn/{recovery/token, recovery/password, credentials/reset_password,
// credentials/change_password, skip}; and the token and stateToken forms of POST /api/v1/authn.

#include "authn/transactions.hpp"

#include "authn/state_token.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/sign_in.hpp"
#include "idledger/domain/user_decide.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/projections/read_model.hpp"
#include "sessions/sessions.hpp"
#include "users/credentials_input.hpp"
#include "users/one_time_token.hpp"
#include "users/password_history.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::authn {

using domain::Json;
using R = domain::Result<HttpResponse>;

namespace {

domain::Error invalid_token() { return domain::Error{domain::ErrorCode::InvalidToken, {}, {}}; }

Json link(RequestContext& ctx, std::string_view name, std::string_view path) {
    Json l = hal_link(ctx.base_url + std::string(path), {"POST"});
    l.set("name", std::string(name));
    return l;
}

Json policy(const App& app) {
    const domain::PasswordPolicy& p = app.config.password_policy;
    Json complexity = Json::object();
    complexity.set("minLength", p.min_length);
    complexity.set("minLowerCase", p.require_lowercase ? 1 : 0);
    complexity.set("minUpperCase", p.require_uppercase ? 1 : 0);
    complexity.set("minNumber", p.require_number ? 1 : 0);
    complexity.set("minSymbol", p.require_symbol ? 1 : 0);
    complexity.set("excludeUsername", p.exclude_username);
    Json age = Json::object();
    age.set("minAgeMinutes", p.min_age_minutes);
    age.set("historyCount", p.history_count);
    Json out = Json::object();
    out.set("complexity", std::move(complexity));
    out.set("age", std::move(age));
    return out;
}

/// The transaction answer for `state` (its stateToken freshly signed).
HttpResponse transaction(RequestContext& ctx, const domain::User& u, const AuthnState& state,
                         int days_left = 0) {
    Json out = Json::object();
    out.set("stateToken", issue_state_token(ctx.app, state));
    out.set("expiresAt", domain::format_iso8601(state.expires_at));
    out.set("status", state.status);
    if (state.binding.starts_with("r:")) out.set("recoveryType", "PASSWORD");
    Json embedded = embedded_user(u);
    Json pol = policy(ctx.app);
    if (state.status == "PASSWORD_WARN") {
        Json expiration = Json::object();
        expiration.set("passwordExpireDays", days_left);
        pol.set("expiration", std::move(expiration));
    }
    embedded.set("policy", std::move(pol));
    out.set("_embedded", std::move(embedded));
    Json links = Json::object();
    if (state.status == "PASSWORD_RESET") {
        links.set("next", link(ctx, "resetPassword", "/api/v1/authn/credentials/reset_password"));
    } else {
        links.set("next", link(ctx, "changePassword", "/api/v1/authn/credentials/change_password"));
        if (state.status == "PASSWORD_WARN")
            links.set("skip", link(ctx, "skip", "/api/v1/authn/skip"));
    }
    out.set("_links", std::move(links));
    return json_response(200, out);
}

AuthnState new_state(const App& app, const domain::User& u, std::string status,
                     std::string binding) {
    return AuthnState{u.id, std::move(status), std::move(binding),
                      app.clock.now_ms() + app.config.session_token_ttl_ms};
}

/// The user a redeemable token of `kind` belongs to.
domain::Result<std::optional<domain::User>> token_owner(RequestContext& ctx,
                                                        domain::RedeemedToken kind,
                                                        const std::string& digest) {
    const char* name = kind == domain::RedeemedToken::Activation ? "activation" : "recovery";
    std::string id;
    auto scanned = ctx.app.reader.scan_index(projections::token_index(name, digest), 0,
                                             [&](uint64_t, std::string_view found) {
                                                 id = std::string(found);
                                                 return false;
                                             });
    if (!scanned) return std::unexpected(store_failure(scanned.error()));
    if (id.empty()) return std::optional<domain::User>();
    auto row = ctx.app.reader.user(id);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row) return std::optional<domain::User>();
    if (!domain::check_redeemable((*row)->user, kind, digest, ctx.app.clock.now_ms()))
        return std::optional<domain::User>();
    return std::optional<domain::User>((*row)->user);
}

/// The stateToken's user, while its state is one of `statuses` and its binding holds.
domain::Result<domain::User> state_user(RequestContext& ctx, const Json& body,
                                        std::initializer_list<std::string_view> statuses,
                                        AuthnState& state) {
    const Json* token = body.find("stateToken");
    if (!token || !token->is_string() || token->as_string().empty())
        return domain::validation("stateToken", "The field cannot be left blank");
    auto read = read_state_token(ctx.app, token->as_string(), ctx.app.clock.now_ms());
    if (!read) return std::unexpected(invalid_token());
    bool allowed = false;
    for (auto s : statuses) allowed = allowed || read->status == s;
    if (!allowed) return std::unexpected(invalid_token());
    auto row = ctx.app.reader.user(read->user_id);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row || !binding_holds((*row)->user, read->binding))
        return std::unexpected(invalid_token());
    state = *read;
    return (*row)->user;
}

/// SUCCESS after a password was set or changed: the session token the events recorded.
HttpResponse success(const domain::User& u, const std::string& session_token,
                     domain::Millis expires) {
    Json out = Json::object();
    out.set("expiresAt", domain::format_iso8601(expires));
    out.set("status", "SUCCESS");
    out.set("sessionToken", session_token);
    out.set("_embedded", embedded_user(u));
    return json_response(200, out);
}

/// Reads, checks against the policy and hashes a new password (403 E0000014 with causes).
domain::Result<domain::StoredPassword> new_password(RequestContext& ctx, const domain::User& u,
                                                    const Json& body) {
    const Json* v = body.find("newPassword");
    if (!v || !v->is_string() || v->as_string().empty())
        return domain::validation("newPassword", "The field cannot be left blank");
    PasswordInput in;
    in.value = domain::Secret(v->as_string());
    if (auto r = check_password_reuse(ctx.app, u, *in.value, false); !r)
        return std::unexpected(r.error());
    auto stored = prepare_password(ctx.app, in, u.login());
    if (!stored && stored.error().code == domain::ErrorCode::ValidationFailed) {
        auto e = stored.error();
        e.code = domain::ErrorCode::CredentialsUpdateFailed;
        return std::unexpected(e);
    }
    return stored;
}

R recovery_token(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* token = body->find("recoveryToken");
    if (!token || !token->is_string() || token->as_string().empty())
        return domain::validation("recoveryToken", "The field cannot be left blank");
    const std::string digest = domain::token_digest(token->as_string());
    auto owner = token_owner(ctx, domain::RedeemedToken::Recovery, digest);
    if (!owner) return std::unexpected(owner.error());
    if (!*owner) return std::unexpected(invalid_token());
    return transaction(ctx, **owner,
                       new_state(ctx.app, **owner, "PASSWORD_RESET", recovery_binding(digest)));
}

R reset_password(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    AuthnState state;
    auto user = state_user(ctx, *body, {"PASSWORD_RESET"}, state);
    if (!user) return std::unexpected(user.error());
    auto stored = new_password(ctx, *user, *body);
    if (!stored) return std::unexpected(stored.error());
    const auto kind = state.binding.starts_with("a:") ? domain::RedeemedToken::Activation
                                                      : domain::RedeemedToken::Recovery;
    const std::string digest = state.binding.substr(2);
    const std::string session = sessions::new_session_token(user->id);
    const domain::Millis expires = ctx.app.clock.now_ms() + ctx.app.config.session_token_ttl_ms;
    auto done = run_user_command(
        ctx, user->id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& row, eventstore::Transaction& tx) {
            return domain::decide_token_password_reset(row->user, kind, digest, *stored,
                                                       domain::token_digest(session), expires,
                                                       tx.now_ms());
        });
    if (!done) {
        if (done.error().code == domain::ErrorCode::NotFound)
            return std::unexpected(invalid_token());
        return std::unexpected(done.error());
    }
    return success(done->row->user, session, expires);
}

R change_password(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    AuthnState state;
    auto user = state_user(ctx, *body, {"PASSWORD_EXPIRED", "PASSWORD_WARN"}, state);
    if (!user) return std::unexpected(user.error());
    const Json* old_pw = body->find("oldPassword");
    if (!old_pw || !old_pw->is_string() || old_pw->as_string().empty())
        return domain::validation("oldPassword", "The field cannot be left blank");
    if (!user->password ||
        !domain::verify_password(domain::Secret(old_pw->as_string()), *user->password))
        return std::unexpected(domain::Error{domain::ErrorCode::CredentialsUpdateFailed,
                                             {},
                                             {{"oldPassword: Old Password is not correct"}}});
    auto stored = new_password(ctx, *user, *body);
    if (!stored) return std::unexpected(stored.error());
    const std::string session = sessions::new_session_token(user->id);
    const domain::Millis expires = ctx.app.clock.now_ms() + ctx.app.config.session_token_ttl_ms;
    const domain::StoredPassword verified = *user->password;
    auto done = run_user_command(
        ctx, user->id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& row,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            // The password the old one was checked against must still be the user's.
            if (!row->user.password || !(*row->user.password == verified))
                return std::unexpected(invalid_token());
            auto events = domain::decide_change_password(row->user, *stored);
            if (!events) return events;
            events->push_back(domain::signed_in_event(domain::token_digest(session), expires));
            return events;
        });
    if (!done) return std::unexpected(done.error());
    return success(done->row->user, session, expires);
}

R skip(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    AuthnState state;
    auto user = state_user(ctx, *body, {"PASSWORD_WARN"}, state);
    if (!user) return std::unexpected(user.error());
    const std::string session = sessions::new_session_token(user->id);
    const domain::Millis expires = ctx.app.clock.now_ms() + ctx.app.config.session_token_ttl_ms;
    const std::string binding = state.binding;
    auto done = run_user_command(
        ctx, user->id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& row,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            if (row->user.status != domain::UserStatus::Active ||
                !binding_holds(row->user, binding))
                return std::unexpected(invalid_token());
            return std::vector<domain::Event>{
                domain::signed_in_event(domain::token_digest(session), expires)};
        });
    if (!done) return std::unexpected(done.error());
    return success(done->row->user, session, expires);
}

/// RECOVERY_CHALLENGE whatever the username: the answer never tells whether the user exists or
/// may recover; an eligible user is e-mailed a recovery link.
R recovery_password(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* username = body->find("username");
    if (!username || !username->is_string() || username->as_string().empty())
        return domain::validation("username", "The field cannot be left blank");
    const std::string factor = body->string_at("factorType");
    if (!factor.empty() && factor != "EMAIL" && factor != "email")
        return domain::validation("factorType", "Only EMAIL recovery is supported");
    auto found = ctx.app.reader.find_user(username->as_string());
    if (!found) return std::unexpected(store_failure(found.error()));
    if (*found && ctx.app.lifecycle) {
        const std::string rid = ctx.app.ids.next(domain::id_prefix::kLifecycleRequest);
        const OneTimeToken token = link_token(ctx.app, rid, ctx.app.config.reset_token_ttl_ms);
        // Not allowed (not ACTIVE, federated, busy): nothing is sent, and the answer is the same.
        (void)run_user_command(
            ctx, (*found)->user.id, Subject::Existing,
            [&](const std::optional<projections::UserRow>& row, eventstore::Transaction&) {
                return domain::decide_forgot_password(row->user, token.issued.digest,
                                                      token.issued.expires_at, rid,
                                                      /*self_service=*/true);
            });
    }
    Json out = Json::object();
    out.set("status", "RECOVERY_CHALLENGE");
    out.set("factorResult", "WAITING");
    out.set("factorType", "EMAIL");
    out.set("recoveryType", "PASSWORD");
    if (const Json* relay = body->find("relayState"); relay && relay->is_string())
        out.set("relayState", *relay);
    out.set("_links", Json::object());
    return json_response(200, out);
}

}  // namespace

Json embedded_user(const domain::User& u) {
    Json profile = Json::object();
    for (const char* k : {"login", "firstName", "lastName", "locale", "timeZone"}) {
        const Json* v = u.profile.find(k);
        profile.set(k, v ? *v : Json(nullptr));
    }
    Json user = Json::object();
    user.set("id", u.id);
    user.set("passwordChanged", u.password_changed
                                    ? Json(domain::format_iso8601(*u.password_changed))
                                    : Json(nullptr));
    user.set("profile", std::move(profile));
    Json embedded = Json::object();
    embedded.set("user", std::move(user));
    return embedded;
}

int password_days_left(const App& app, const domain::User& u) {
    if (app.config.password_max_age_ms <= 0 || !u.password_changed) return 0;
    constexpr domain::Millis kDay = 24LL * 3600 * 1000;
    const domain::Millis left =
        *u.password_changed + app.config.password_max_age_ms - app.clock.now_ms();
    return left <= 0 ? 0 : int((left + kDay - 1) / kDay);
}

bool password_warning_due(const App& app, const domain::User& u) {
    if (app.config.password_max_age_ms <= 0 || app.config.password_warn_ms <= 0 ||
        !u.password_changed)
        return false;
    return app.clock.now_ms() >=
           *u.password_changed + app.config.password_max_age_ms - app.config.password_warn_ms;
}

R redeem_token(RequestContext& ctx, const std::string& token) {
    const std::string digest = domain::token_digest(token);
    for (auto kind : {domain::RedeemedToken::Activation, domain::RedeemedToken::Recovery}) {
        auto owner = token_owner(ctx, kind, digest);
        if (!owner) return std::unexpected(owner.error());
        if (!*owner) continue;
        const std::string binding = kind == domain::RedeemedToken::Activation
                                        ? activation_binding(digest)
                                        : recovery_binding(digest);
        return transaction(ctx, **owner, new_state(ctx.app, **owner, "PASSWORD_RESET", binding));
    }
    return std::unexpected(invalid_token());
}

R resume(RequestContext& ctx, const std::string& state_token) {
    Json body = Json::object();
    body.set("stateToken", state_token);
    AuthnState state;
    auto user =
        state_user(ctx, body, {"PASSWORD_RESET", "PASSWORD_EXPIRED", "PASSWORD_WARN"}, state);
    if (!user) return std::unexpected(user.error());
    return transaction(ctx, *user, state, password_days_left(ctx.app, *user));
}

HttpResponse password_state(RequestContext& ctx, const domain::User& u, const std::string& status,
                            int days_left) {
    return transaction(ctx, u, new_state(ctx.app, u, status, password_binding(u)), days_left);
}

std::vector<Route> transaction_routes() {
    using enum Exec;
    return {
        {"POST", "/api/v1/authn/recovery/token", "Authentication_verifyRecoveryToken", "authn",
         kPublic, Blocking, recovery_token},
        {"POST", "/api/v1/authn/recovery/password", "Authentication_forgotPassword", "authn",
         kPublic, Blocking, recovery_password},
        {"POST", "/api/v1/authn/credentials/reset_password", "Authentication_resetPassword",
         "authn", kPublic, Blocking, reset_password},
        {"POST", "/api/v1/authn/credentials/change_password", "Authentication_changePassword",
         "authn", kPublic, Blocking, change_password},
        {"POST", "/api/v1/authn/skip", "Authentication_skip", "authn", kPublic, Blocking, skip},
    };
}

}  // namespace idledger::api::authn
