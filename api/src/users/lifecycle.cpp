// POST /api/v1/users/{userId}/lifecycle/* and DELETE /api/v1/users/{userId}.

#include <filesystem>

#include "core/json_io.hpp"
#include "core/user_removal.hpp"
#include "idledger/domain/ids.hpp"
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

domain::Result<UserCommandResult> run_op(RequestContext& ctx, domain::LifecycleCommand cmd) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    return run_user_command(
        ctx, row->user.id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& r,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_lifecycle(r->user, cmd);
        });
}

R empty_object() { return json_response(200, Json::object()); }

bool prefers_async(const HttpRequest& req) {
    const std::string* prefer = req.header("prefer");
    return prefer && prefer->find("respond-async") != std::string::npos;
}

std::string new_request_id(RequestContext& ctx) {
    return ctx.app.ids.next(domain::id_prefix::kLifecycleRequest);
}

/// An asynchronous transition that was requested: with `Prefer: respond-async`, 202 at once with
/// where to watch it; otherwise wait (bounded) for the worker's completion and answer like Okta.
R finish_transition(RequestContext& ctx, const HttpRequest& req, const UserCommandResult& r,
                    const std::string& request_id,
                    const std::shared_ptr<Completions::Waiter>& waiter, HttpResponse answer) {
    const std::string user_id = r.row ? r.row->user.id : std::string();
    if (prefers_async(req)) {
        ctx.app.completions.forget(request_id);
        if (answer.status == 200) answer.status = 202;
        answer.add_header("Preference-Applied", "respond-async");
        answer.add_header("Location", ctx.base_url + "/api/v1/users/" + user_id);
        return answer;
    }
    // A deactivation that joined an earlier one waits for that one.
    std::string awaited = request_id;
    std::shared_ptr<Completions::Waiter> w = waiter;
    if (r.events.empty() && r.row && r.row->user.request_id) {
        ctx.app.completions.forget(request_id);
        awaited = *r.row->user.request_id;
        w = ctx.app.completions.expect(awaited);
        auto now = ctx.app.reader.user(user_id);  // completed meanwhile?
        if (now && *now && (*now)->user.request_id != awaited) {
            ctx.app.completions.forget(awaited);
            return answer;
        }
    }
    // On timeout the answer is the same: the user shows transitioningToStatus until done.
    ctx.app.completions.wait(awaited, w, ctx.app.config.sync_wait);
    return answer;
}

/// activate: requests the transition (a worker completes it, sending the e-mail if asked); the
/// answer is {} when e-mailed, else the activation link and token.
R activate_answer(RequestContext& ctx, const HttpRequest& req) {
    auto send_email = bool_param(req, "sendEmail", true);
    if (!send_email) return std::unexpected(send_email.error());
    const std::string rid = new_request_id(ctx);
    const OneTimeToken token = link_token(ctx.app, rid, ctx.app.config.activation_token_ttl_ms);
    auto waiter = ctx.app.completions.expect(rid);
    auto r = run_op(ctx, {LifecycleOp::Activate, std::nullopt, rid, *send_email, token.issued});
    if (!r) {
        ctx.app.completions.forget(rid);
        return std::unexpected(r.error());
    }
    Json body = Json::object();
    if (!*send_email) {
        body.set("activationUrl",
                 ctx.base_url + link_path(domain::email_template::kActivation) + token.value);
        body.set("activationToken", token.value);
    }
    return finish_transition(ctx, req, *r, rid, waiter, json_response(200, body));
}

/// deactivate, and DELETE of a user not yet deprovisioned.
R deactivation(RequestContext& ctx, const HttpRequest& req, LifecycleOp op, HttpResponse answer) {
    if (auto s = bool_param(req, "sendEmail", false); !s) return std::unexpected(s.error());
    const std::string rid = new_request_id(ctx);
    auto waiter = ctx.app.completions.expect(rid);
    auto r = run_op(ctx, {op, std::nullopt, rid});
    if (!r) {
        ctx.app.completions.forget(rid);
        return std::unexpected(r.error());
    }
    if (!r->row) {  // permanently deleted: nothing asynchronous
        ctx.app.completions.forget(rid);
        // Its e-mails written as files are personal data outside the shredded store: gone too.
        for (const auto& e : r->events)
            if (e.type == domain::user_event::kDeleted) {
                const std::string id = projections::stream_subject(e.stream);
                if (ctx.app.forget_user_files) ctx.app.forget_user_files(id);
                // Its memberships and links end too, each an event of its resource.
                if (auto left = remove_user_relationships(ctx, id); !left)
                    return std::unexpected(left.error());
            }
        return answer;
    }
    return finish_transition(ctx, req, *r, rid, waiter, std::move(answer));
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

R activate(RequestContext& ctx, const HttpRequest& req) { return activate_answer(ctx, req); }

R reactivate(RequestContext& ctx, const HttpRequest& req) {
    auto send_email = bool_param(req, "sendEmail", false);
    if (!send_email) return std::unexpected(send_email.error());
    const std::string rid = new_request_id(ctx);
    const OneTimeToken token = link_token(ctx.app, rid, ctx.app.config.activation_token_ttl_ms);
    auto r = run_op(ctx, {LifecycleOp::Reactivate, std::nullopt, rid, *send_email, token.issued});
    if (!r) return std::unexpected(r.error());
    if (*send_email) return empty_object();
    Json body = Json::object();
    body.set("activationUrl",
             ctx.base_url + link_path(domain::email_template::kActivation) + token.value);
    body.set("activationToken", token.value);
    return json_response(200, body);
}

R deactivate(RequestContext& ctx, const HttpRequest& req) {
    return deactivation(ctx, req, LifecycleOp::Deactivate, json_response(200, Json::object()));
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
    if (const std::string* provider = req.param("provider"); provider && !provider->empty()) {
        // Okta's conversion of a user to federated sign-in: no password, no e-mail.
        if (*provider != "FEDERATION")
            return domain::validation("provider", "The only provider accepted is FEDERATION");
        if (*send_email)
            return domain::validation("sendEmail",
                                      "sendEmail must be false to convert a user to FEDERATION");
        auto r = run_op(ctx, {LifecycleOp::ConvertToFederated, std::nullopt});
        if (!r) return std::unexpected(r.error());
        return empty_object();
    }
    const std::string rid = new_request_id(ctx);
    const OneTimeToken token = link_token(ctx.app, rid, ctx.app.config.reset_token_ttl_ms);
    auto r =
        run_op(ctx, {LifecycleOp::ResetPassword, std::nullopt, rid, *send_email, token.issued});
    if (!r) return std::unexpected(r.error());
    if (*send_email) return empty_object();
    Json body = Json::object();
    body.set("resetPasswordUrl",
             ctx.base_url + link_path(domain::email_template::kPasswordReset) + token.value);
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
    return deactivation(ctx, req, LifecycleOp::Delete, empty_response(202));
}

}  // namespace idledger::api::users
