// POST /api/v1/users/{userId}/lifecycle/* and DELETE /api/v1/users/{userId}.

#include "core/json_io.hpp"
#include "idledger/domain/user_decide.hpp"
#include "users/credentials_input.hpp"
#include "users/handlers.hpp"
#include "users/one_time_token.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;
using domain::LifecycleOp;

namespace {

domain::Result<UserCommandResult> run_op(
    RequestContext& ctx, domain::LifecycleCommand cmd,
    const std::function<void(std::vector<domain::Event>&)>& decorate = {}) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    return run_user_command(
        ctx, row->user.id, /*create=*/false,
        [&](const std::optional<projections::UserRow>& r,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            auto events = domain::decide_lifecycle(r->user, cmd);
            if (events && decorate) decorate(*events);
            return events;
        });
}

R empty_object() { return json_response(200, Json::object()); }

/// activate and reactivate answer alike: {} when e-mailed, else the activation link and token.
R activation_answer(RequestContext& ctx, const HttpRequest& req, LifecycleOp op,
                    bool send_email_default) {
    auto send_email = bool_param(req, "sendEmail", send_email_default);
    if (!send_email) return std::unexpected(send_email.error());
    OneTimeToken token = new_one_time_token();
    const domain::Millis expires = ctx.app.clock.now_ms() + kActivationTokenTtl;
    auto r = run_op(ctx, {op, std::nullopt}, [&](std::vector<domain::Event>& events) {
        for (auto& e : events) {
            e.data.set("activationTokenDigest", token.digest);
            e.data.set("activationTokenExpiresAt", expires);
            e.data.set("sendEmail", *send_email);
        }
    });
    if (!r) return std::unexpected(r.error());
    if (*send_email) return empty_object();
    Json body = Json::object();
    body.set("activationUrl", ctx.base_url + "/welcome/" + token.value);
    body.set("activationToken", token.value);
    return json_response(200, body);
}

std::string temporary_password() {
    // 8 characters that satisfy the default policy: one of each class plus random base62.
    std::string pw = domain::random_base62(5);
    pw += "aA1";
    std::string shuffled;
    while (!pw.empty()) {
        size_t i = size_t(domain::random_base62(1)[0]) % pw.size();
        shuffled.push_back(pw[i]);
        pw.erase(i, 1);
    }
    return shuffled;
}

R expire_with_temp(RequestContext& ctx) {
    domain::Secret temp(temporary_password());
    domain::StoredPassword stored;
    stored.algorithm = "ARGON2ID";
    stored.value = domain::argon2id_hash(temp, ctx.app.config.argon2);
    auto r = run_op(ctx, {LifecycleOp::ExpirePassword, stored});
    if (!r) return std::unexpected(r.error());
    Json body = Json::object();
    body.set("tempPassword", temp.reveal());
    return json_response(200, body);
}

}  // namespace

R activate(RequestContext& ctx, const HttpRequest& req) {
    return activation_answer(ctx, req, LifecycleOp::Activate, true);
}

R reactivate(RequestContext& ctx, const HttpRequest& req) {
    return activation_answer(ctx, req, LifecycleOp::Reactivate, false);
}

R deactivate(RequestContext& ctx, const HttpRequest& req) {
    if (auto s = bool_param(req, "sendEmail", false); !s) return std::unexpected(s.error());
    auto r = run_op(ctx, {LifecycleOp::Deactivate, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_object();
}

R suspend(RequestContext& ctx, const HttpRequest&) {
    auto r = run_op(ctx, {LifecycleOp::Suspend, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_object();
}

R unsuspend(RequestContext& ctx, const HttpRequest&) {
    auto r = run_op(ctx, {LifecycleOp::Unsuspend, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_object();
}

R unlock(RequestContext& ctx, const HttpRequest&) {
    auto r = run_op(ctx, {LifecycleOp::Unlock, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_object();
}

R reset_factors(RequestContext& ctx, const HttpRequest&) {
    auto r = run_op(ctx, {LifecycleOp::ResetFactors, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_object();
}

R reset_password(RequestContext& ctx, const HttpRequest& req) {
    auto send_email = bool_param(req, "sendEmail", true);
    if (!send_email) return std::unexpected(send_email.error());
    if (auto s = bool_param(req, "revokeSessions", false); !s) return std::unexpected(s.error());
    OneTimeToken token = new_one_time_token();
    const domain::Millis expires = ctx.app.clock.now_ms() + kResetTokenTtl;
    auto r = run_op(ctx, {LifecycleOp::ResetPassword, std::nullopt},
                    [&](std::vector<domain::Event>& events) {
                        for (auto& e : events) {
                            e.data.set("resetTokenDigest", token.digest);
                            e.data.set("resetTokenExpiresAt", expires);
                            e.data.set("sendEmail", *send_email);
                        }
                    });
    if (!r) return std::unexpected(r.error());
    if (*send_email) return empty_object();
    Json body = Json::object();
    body.set("resetPasswordUrl", ctx.base_url + "/reset_password/" + token.value);
    return json_response(200, body);
}

R expire_password(RequestContext& ctx, const HttpRequest& req) {
    auto temp = bool_param(req, "tempPassword", false);
    if (!temp) return std::unexpected(temp.error());
    if (*temp) return expire_with_temp(ctx);
    auto r = run_op(ctx, {LifecycleOp::ExpirePassword, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return user_response(ctx, r->row->user);
}

R expire_password_with_temp(RequestContext& ctx, const HttpRequest& req) {
    if (auto s = bool_param(req, "revokeSessions", false); !s) return std::unexpected(s.error());
    return expire_with_temp(ctx);
}

R remove(RequestContext& ctx, const HttpRequest& req) {
    if (auto s = bool_param(req, "sendEmail", false); !s) return std::unexpected(s.error());
    auto r = run_op(ctx, {LifecycleOp::Delete, std::nullopt});
    if (!r) return std::unexpected(r.error());
    return empty_response(202);
}

}  // namespace idledger::api::users
