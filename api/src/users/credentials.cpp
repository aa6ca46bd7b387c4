// POST
// /api/v1/users/{userId}/credentials/{change_password|change_recovery_question|forgot_password}

#include "core/json_io.hpp"
#include "idledger/domain/user_decide.hpp"
#include "users/credentials_input.hpp"
#include "users/handlers.hpp"
#include "users/one_time_token.hpp"
#include "users/password_history.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;

namespace {

const Json* value_of(const Json& body, std::string_view obj) {
    const Json* o = body.find(obj);
    if (!o || !o->is_object()) return nullptr;
    const Json* v = o->find("value");
    return v && v->is_string() ? v : nullptr;
}

domain::Error credentials_failed(std::string cause) {
    return domain::Error{domain::ErrorCode::CredentialsUpdateFailed, {}, {{std::move(cause)}}};
}

/// Runs `decide` against the state the caller verified; retries when the user changed meanwhile.
template <class Prepare>
R with_verified_user(RequestContext& ctx, Prepare prepare) {
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
        if (!row) return std::unexpected(row.error());
        if (row->user.status == domain::UserStatus::Deprovisioned)
            return domain::not_found(ctx.param("userId"), "User");
        auto r = prepare(row->user);
        if (!r) {
            if (is_conflict(r.error())) continue;
            return std::unexpected(r.error());
        }
        return r;
    }
    return domain::fail(domain::ErrorCode::Unavailable);
}

/// The recovery-answer form of forgot password: checks the answer, sets the new password.
R forgot_password_with_answer(RequestContext& ctx, const Json& body) {
    const Json* rq = body.find("recovery_question");
    const Json* answer = rq && rq->is_object() ? rq->find("answer") : nullptr;
    auto next = read_password(body.find("password"));
    if (!next) return std::unexpected(next.error());
    if (!answer || !answer->is_string())
        return domain::validation("recovery_question", "The answer cannot be left blank");
    if (!*next || !(*next)->value)
        return domain::validation("password", "The field cannot be left blank");
    domain::Secret answer_secret(answer->as_string());
    return with_verified_user(ctx, [&](const domain::User& user) -> R {
        auto allowed = domain::decide_forgot_password_reset(user, domain::StoredPassword{});
        if (!allowed) return std::unexpected(allowed.error());
        if (!recovery_answer_matches(user, answer_secret))
            return domain::fail(domain::ErrorCode::RecoveryAnswerMismatch);
        if (auto r = check_password_reuse(ctx.app, user, *(*next)->value, false); !r)
            return std::unexpected(r.error());
        auto stored = prepare_password(ctx.app, **next, user.login());
        if (!stored) return std::unexpected(stored.error());
        auto result = run_user_command(
            ctx, user.id, Subject::Existing,
            [&](const std::optional<projections::UserRow>& r, eventstore::Transaction&) {
                return domain::decide_forgot_password_reset(r->user, *stored);
            },
            user.version);
        if (!result) return std::unexpected(result.error());
        return json_response(200, render_credentials(result->row->user));
    });
}

}  // namespace

R forgot_password_recovery_question(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    return forgot_password_with_answer(ctx, *body);
}

R change_password(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto strict = bool_param(req, "strict", false);
    if (!strict) return std::unexpected(strict.error());
    const Json* old_pw = value_of(*body, "oldPassword");
    const Json* new_obj = body->find("newPassword");
    auto next_input = read_password(new_obj);
    if (!next_input) return std::unexpected(next_input.error());
    if (!old_pw) return domain::validation("oldPassword", "The field cannot be left blank");
    if (!*next_input) return domain::validation("newPassword", "The field cannot be left blank");
    domain::Secret old_secret(old_pw->as_string());

    return with_verified_user(ctx, [&](const domain::User& user) -> R {
        // Status first (E0000035), then the old password (E0000014), then reuse and policy.
        auto allowed = domain::decide_change_password(user, domain::StoredPassword{});
        if (!allowed) return std::unexpected(allowed.error());
        if (!domain::verify_password(old_secret, *user.password))
            return std::unexpected(credentials_failed("oldPassword: Old Password is not correct"));
        if ((*next_input)->value)
            if (auto r = check_password_reuse(ctx.app, user, *(*next_input)->value, *strict); !r)
                return std::unexpected(r.error());
        auto stored = prepare_password(ctx.app, **next_input, user.login());
        if (!stored) {
            auto e = stored.error();
            if (e.code == domain::ErrorCode::ValidationFailed)
                e.code = domain::ErrorCode::CredentialsUpdateFailed;
            return std::unexpected(e);
        }
        auto result = run_user_command(
            ctx, user.id, Subject::Existing,
            [&](const std::optional<projections::UserRow>& r, eventstore::Transaction&) {
                return domain::decide_change_password(r->user, *stored);
            },
            user.version);
        if (!result) return std::unexpected(result.error());
        return json_response(200, render_credentials(result->row->user));
    });
}

R change_recovery_question(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* pw = value_of(*body, "password");
    if (!pw) return domain::validation("password", "The field cannot be left blank");
    auto rq = read_recovery(body->find("recovery_question"), /*answer_required=*/true);
    if (!rq) return std::unexpected(rq.error());
    if (!*rq) return domain::validation("recovery_question", "The field cannot be left blank");
    domain::Secret secret(pw->as_string());

    return with_verified_user(ctx, [&](const domain::User& user) -> R {
        auto allowed = domain::decide_change_recovery(user, {});
        if (!allowed) return std::unexpected(allowed.error());
        if (!domain::verify_password(secret, *user.password))
            return std::unexpected(credentials_failed("password: Password is not correct"));
        auto prepared = prepare_recovery(ctx.app, **rq);
        auto result = run_user_command(
            ctx, user.id, Subject::Existing,
            [&](const std::optional<projections::UserRow>& r, eventstore::Transaction&) {
                return domain::decide_change_recovery(r->user, prepared);
            },
            user.version);
        if (!result) return std::unexpected(result.error());
        return json_response(200, render_credentials(result->row->user));
    });
}

R forgot_password(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req, /*allow_empty=*/true);
    if (!body) return std::unexpected(body.error());
    const bool with_answer =
        body->find("recovery_question") != nullptr || body->find("password") != nullptr;

    if (with_answer) return forgot_password_with_answer(ctx, *body);

    auto send_email = bool_param(req, "sendEmail", true);
    if (!send_email) return std::unexpected(send_email.error());
    const std::string rid = ctx.app.ids.next(domain::id_prefix::kLifecycleRequest);
    const OneTimeToken token = link_token(ctx.app, rid, ctx.app.config.reset_token_ttl_ms);
    return with_verified_user(ctx, [&](const domain::User& user) -> R {
        auto result = run_user_command(
            ctx, user.id, Subject::Existing,
            [&](const std::optional<projections::UserRow>& r,
                eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                // With sendEmail a worker e-mails the link; otherwise the caller gets it.
                return domain::decide_forgot_password(r->user, token.issued.digest,
                                                      token.issued.expires_at,
                                                      *send_email ? rid : std::string());
            });
        if (!result) return std::unexpected(result.error());
        if (*send_email) return json_response(200, Json::object());
        Json out = Json::object();
        out.set("resetPasswordUrl",
                ctx.base_url + link_path(domain::email_template::kForgotPassword) + token.value);
        return json_response(200, out);
    });
}

}  // namespace idledger::api::users
