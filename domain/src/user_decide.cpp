#include "idledger/domain/user_decide.hpp"

#include "idledger/domain/sign_in.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::domain {
namespace {

namespace ev = user_event;

Event status_event(std::string_view type, UserStatus to) {
    Json d = Json::object();
    d.set("status", to_string(to));
    return Event{std::string(type), std::move(d)};
}

bool is_federated(std::string_view provider) {
    return provider == "FEDERATION" || provider == "SOCIAL";
}

Result<void> require_mutable(const User& u) {
    if (u.status == UserStatus::Deprovisioned) return not_found(u.id, "User");
    if (u.transitioning_to) return fail(ErrorCode::UserInTransition);
    return {};
}

Json request_object(const std::string& id, std::string_view kind, std::string_view email = {}) {
    Json r = Json::object();
    r.set("id", id);
    r.set("kind", kind);
    if (!email.empty()) r.set("template", email);
    return r;
}

void add_token(Json& d, const std::optional<IssuedToken>& t, std::string_view digest_key,
               std::string_view expires_key) {
    if (!t) return;
    d.set(digest_key, t->digest);
    d.set(expires_key, t->expires_at);
}

bool can_sign_in(const User& u) { return u.password.has_value() || is_federated(u.provider_type); }

}  // namespace

Json merge_profile(const Json& current, const Json& patch) {
    Json out = current.is_object() ? current : Json::object();
    if (patch.is_object())
        for (const auto& [k, v] : patch.as_object()) out.set(k, v);
    return out;
}

Result<std::vector<Event>> decide_create(const CreateUserCommand& cmd, bool login_taken) {
    if (login_taken)
        return validation("login",
                          "An object with this field already exists in the current organization");
    if (cmd.expire_password && !cmd.password) return fail(ErrorCode::NextLoginNeedsPassword);
    if (cmd.expire_password && !cmd.activate) return fail(ErrorCode::NextLoginNeedsActivate);

    Json d = Json::object();
    d.set("id", cmd.id);
    d.set("status", "STAGED");
    d.set("typeId", cmd.type_id);
    d.set("profile", cmd.profile);
    if (cmd.password) d.set("password", cmd.password->to_json());
    if (cmd.recovery) {
        d.set("recoveryQuestion", cmd.recovery->question);
        d.set("recoveryAnswerHash", cmd.recovery->answer_hash);
    }
    d.set("providerType", cmd.provider_type);
    d.set("providerName", cmd.provider_name);

    std::vector<Event> events;
    events.push_back(Event{std::string(ev::kCreated), std::move(d)});
    for (const auto& role : cmd.roles) {
        Json r = Json::object();
        r.set("type", role);
        events.push_back(Event{std::string(ev::kRoleGranted), std::move(r)});
    }
    if (cmd.activate) {
        bool can_sign_in = cmd.password || is_federated(cmd.provider_type);
        Event activated = status_event(ev::kActivated,
                                       can_sign_in ? UserStatus::Active : UserStatus::Provisioned);
        if (!can_sign_in && !cmd.activation_request_id.empty()) {
            // PROVISIONED: the welcome e-mail goes out through a worker.
            activated.data.set("request",
                               request_object(cmd.activation_request_id, request_kind::kEmail,
                                              email_template::kActivation));
            add_token(activated.data, cmd.activation_token, "activationTokenDigest",
                      "activationTokenExpiresAt");
        }
        events.push_back(std::move(activated));
        if (cmd.expire_password)
            events.push_back(status_event(ev::kPasswordExpired, UserStatus::PasswordExpired));
    }
    return events;
}

Result<std::vector<Event>> decide_update(const User& u, const UpdateUserCommand& cmd,
                                         bool login_taken) {
    if (auto r = require_mutable(u); !r) return std::unexpected(r.error());
    std::vector<Event> events;
    if (cmd.profile && *cmd.profile != u.profile) {
        if (login_taken)
            return validation(
                "login", "An object with this field already exists in the current organization");
        Json d = Json::object();
        d.set("profile", *cmd.profile);
        events.push_back(Event{std::string(ev::kProfileReplaced), std::move(d)});
    }
    if (cmd.type_id && *cmd.type_id != u.type_id) {
        Json d = Json::object();
        d.set("typeId", *cmd.type_id);
        events.push_back(Event{std::string(ev::kTypeChanged), std::move(d)});
    }
    if (cmd.password) {
        if (cmd.password_is_import && u.status != UserStatus::Staged)
            return validation("password", "Hashed passwords can only be imported for STAGED users");
        if (is_federated(u.provider_type))
            return validation("password", "Users with a federated provider cannot have a password");
        Json d = Json::object();
        d.set("password", cmd.password->to_json());
        if (u.status == UserStatus::Recovery || u.status == UserStatus::PasswordExpired)
            d.set("status", "ACTIVE");
        events.push_back(Event{std::string(ev::kPasswordSet), std::move(d)});
    }
    if (cmd.recovery) {
        Json d = Json::object();
        d.set("question", cmd.recovery->question);
        d.set("answerHash", cmd.recovery->answer_hash);
        events.push_back(Event{std::string(ev::kRecoveryQuestionSet), std::move(d)});
    }
    return events;
}

Result<std::vector<Event>> decide_lifecycle(const User& u, const LifecycleCommand& cmd) {
    using S = UserStatus;
    const S s = u.status;
    const bool deactivating = u.transitioning_to == S::Deprovisioned;
    if (u.transitioning_to && cmd.op != LifecycleOp::Delete && cmd.op != LifecycleOp::Deactivate)
        return fail(ErrorCode::UserInTransition);
    const bool has_password = u.password.has_value();
    std::vector<Event> out;
    auto request_deactivation = [&] {
        if (deactivating) return;  // joins the outstanding request
        Json d = Json::object();
        d.set("transitioningToStatus", "DEPROVISIONED");
        d.set("request", request_object(cmd.request_id, request_kind::kDeactivate));
        out.push_back(Event{std::string(ev::kDeactivationRequested), std::move(d)});
    };
    switch (cmd.op) {
        case LifecycleOp::Activate: {
            if (s == S::Active) return fail(ErrorCode::AlreadyActive);
            if (s != S::Staged && s != S::Deprovisioned)
                return fail(ErrorCode::OperationNotAllowed);
            // Okta shows ACTIVE as the target while any activation runs; where it lands
            // (ACTIVE, or PROVISIONED without a way to sign in) is decided on completion.
            Json d = Json::object();
            d.set("transitioningToStatus", "ACTIVE");
            d.set("request", request_object(cmd.request_id, request_kind::kActivate,
                                            cmd.send_email ? email_template::kActivation : ""));
            add_token(d, cmd.token, "activationTokenDigest", "activationTokenExpiresAt");
            out.push_back(Event{std::string(ev::kActivationRequested), std::move(d)});
            return out;
        }
        case LifecycleOp::Reactivate: {
            if (s != S::Provisioned && s != S::Recovery)
                return fail(ErrorCode::OperationNotAllowed);
            Event e = status_event(ev::kReactivated, S::Provisioned);
            add_token(e.data, cmd.token, "activationTokenDigest", "activationTokenExpiresAt");
            if (cmd.send_email)
                e.data.set("request", request_object(cmd.request_id, request_kind::kEmail,
                                                     email_template::kActivation));
            out.push_back(std::move(e));
            return out;
        }
        case LifecycleOp::Deactivate:
            if (s == S::Deprovisioned) return not_found(u.id, "User");
            request_deactivation();
            return out;
        case LifecycleOp::Delete:
            if (s != S::Deprovisioned) {
                request_deactivation();
            } else {
                out.push_back(Event{std::string(ev::kDeleted), Json::object()});
            }
            return out;
        case LifecycleOp::Suspend:
            if (s != S::Active)
                return fail(ErrorCode::ValidationFailed, "Cannot suspend a user that is not active",
                            {{"Cannot suspend a user that is not active"}});
            out.push_back(status_event(ev::kSuspended, S::Suspended));
            return out;
        case LifecycleOp::Unsuspend:
            if (s != S::Suspended)
                return fail(ErrorCode::ValidationFailed,
                            "Cannot unsuspend a user that is not suspended",
                            {{"Cannot unsuspend a user that is not suspended"}});
            out.push_back(status_event(ev::kUnsuspended, S::Active));
            return out;
        case LifecycleOp::Unlock:
            if (s != S::LockedOut) return fail(ErrorCode::UnlockNotAllowed);
            out.push_back(status_event(ev::kUnlocked, S::Active));
            return out;
        case LifecycleOp::ResetPassword: {
            if (s != S::Active && s != S::PasswordExpired && s != S::LockedOut &&
                s != S::Recovery && s != S::Provisioned)
                return fail(ErrorCode::OperationNotAllowed);
            if (is_federated(u.provider_type)) return fail(ErrorCode::ResetPasswordFailed);
            Event e = status_event(ev::kPasswordReset, S::Recovery);
            add_token(e.data, cmd.token, "resetTokenDigest", "resetTokenExpiresAt");
            if (cmd.send_email)
                e.data.set("request", request_object(cmd.request_id, request_kind::kEmail,
                                                     email_template::kPasswordReset));
            out.push_back(std::move(e));
            return out;
        }
        case LifecycleOp::ConvertToFederated: {
            // Same states as reset_password; the password and recovery question go, and the
            // user signs in through its identity provider from now on (ACTIVE, as federated
            // users are).
            if (s != S::Active && s != S::PasswordExpired && s != S::LockedOut &&
                s != S::Recovery && s != S::Provisioned)
                return fail(ErrorCode::OperationNotAllowed);
            if (is_federated(u.provider_type)) return fail(ErrorCode::ResetPasswordFailed);
            Event e = status_event(ev::kConvertedToFederated, S::Active);
            e.data.set("providerType", "FEDERATION");
            e.data.set("providerName", "FEDERATION");
            out.push_back(std::move(e));
            return out;
        }
        case LifecycleOp::ExpirePassword: {
            // A federated user has no password to expire, and a temporary one would give it a
            // password credential while still FEDERATION: a state Okta cannot have.
            if (is_federated(u.provider_type)) return fail(ErrorCode::OperationNotAllowed);
            if (!has_password && !cmd.temp_password) return fail(ErrorCode::OperationNotAllowed);
            if (s != S::Active && s != S::PasswordExpired && s != S::Recovery && s != S::LockedOut)
                return fail(ErrorCode::OperationNotAllowed);
            Event e = status_event(ev::kPasswordExpired, S::PasswordExpired);
            if (cmd.temp_password) e.data.set("password", cmd.temp_password->to_json());
            out.push_back(std::move(e));
            return out;
        }
        case LifecycleOp::ResetFactors:
            if (s == S::Deprovisioned) return not_found(u.id, "User");
            out.push_back(Event{std::string(ev::kFactorsReset), Json::object()});
            return out;
    }
    return fail(ErrorCode::InternalError);
}

bool is_outstanding(const User& u, std::string_view request_id, std::string_view kind) {
    return u.request_id && *u.request_id == request_id && u.request_kind == kind;
}

std::vector<Event> decide_completion(const User& u, const CompletionReport& r) {
    std::vector<Event> out;
    if (!is_outstanding(u, r.request_id, r.kind)) return out;
    if (r.email) {
        Json d = Json::object();
        d.set("template", r.email->template_name);
        if (r.email->delivered) {
            d.set("messageId", r.email->message_id);
            d.set("transport", r.email->transport);
        } else {
            d.set("reason", r.email->error);
        }
        out.push_back(
            Event{std::string(r.email->delivered ? ev::kEmailDelivered : ev::kEmailFailed),
                  std::move(d)});
    }
    Event last;
    if (r.kind == request_kind::kActivate) {
        last = status_event(ev::kActivated,
                            can_sign_in(u) ? UserStatus::Active : UserStatus::Provisioned);
    } else if (r.kind == request_kind::kDeactivate) {
        last = status_event(ev::kDeactivated, UserStatus::Deprovisioned);
        last.data.set("revokedApiTokens", int64_t(r.revoked_api_tokens));
    } else if (r.kind == request_kind::kExpirePassword) {
        if (u.status == UserStatus::Active && u.password && r.password_changed &&
            u.password_changed == r.password_changed) {
            last = status_event(ev::kPasswordExpired, UserStatus::PasswordExpired);
            last.data.set("reason", "policy");
        } else {
            last = Event{std::string(ev::kPasswordExpiryCancelled), Json::object()};
        }
    } else if (r.kind == request_kind::kEmail && !out.empty()) {
        out.back().data.set("completes", r.request_id);
        return out;
    } else {
        return {};
    }
    last.data.set("completes", r.request_id);
    out.push_back(std::move(last));
    return out;
}

bool password_due_to_expire(const User& u, Millis max_age_ms, Millis now) {
    return max_age_ms > 0 && u.status == UserStatus::Active && u.password && u.password_changed &&
           *u.password_changed + max_age_ms <= now;
}

std::optional<Event> decide_password_expiry_warning(const User& u, Millis max_age_ms,
                                                    Millis warn_ms, Millis now,
                                                    const std::string& request_id) {
    if (max_age_ms <= 0 || warn_ms <= 0 || u.status != UserStatus::Active || !u.password ||
        !u.password_changed || u.request_id || u.transitioning_to ||
        u.password_warned_for == u.password_changed)
        return std::nullopt;
    const Millis expires = *u.password_changed + max_age_ms;
    if (now < expires - warn_ms || now >= expires) return std::nullopt;
    Json d = Json::object();
    d.set("request",
          request_object(request_id, request_kind::kEmail, email_template::kPasswordExpiryWarning));
    d.set("warnedFor", *u.password_changed);
    d.set("passwordExpiresAt", expires);
    return Event{std::string(ev::kPasswordExpiryWarningRequested), std::move(d)};
}

std::optional<Event> decide_password_expiry_request(const User& u, Millis max_age_ms, Millis now,
                                                    const std::string& request_id) {
    if (!password_due_to_expire(u, max_age_ms, now) || u.request_id || u.transitioning_to)
        return std::nullopt;
    Json d = Json::object();
    d.set("request", request_object(request_id, request_kind::kExpirePassword));
    d.set("passwordChanged", *u.password_changed);
    return Event{std::string(ev::kPasswordExpiryRequested), std::move(d)};
}

Result<std::vector<Event>> decide_change_password(const User& u, const StoredPassword& next) {
    using S = UserStatus;
    if (u.transitioning_to) return fail(ErrorCode::UserInTransition);
    if (!u.password || (u.status != S::Staged && u.status != S::Active &&
                        u.status != S::PasswordExpired && u.status != S::Recovery))
        return fail(ErrorCode::ChangePasswordNotAllowed);
    Json d = Json::object();
    d.set("password", next.to_json());
    if (u.status == S::Recovery || u.status == S::PasswordExpired) d.set("status", "ACTIVE");
    return std::vector<Event>{Event{std::string(ev::kPasswordSet), std::move(d)}};
}

Result<std::vector<Event>> decide_change_recovery(const User& u, const RecoveryQuestion& rq) {
    using S = UserStatus;
    if (u.transitioning_to) return fail(ErrorCode::UserInTransition);
    if (!u.password || (u.status != S::Staged && u.status != S::Active && u.status != S::Recovery))
        return fail(ErrorCode::ChangeRecoveryNotAllowed);
    Json d = Json::object();
    d.set("question", rq.question);
    d.set("answerHash", rq.answer_hash);
    return std::vector<Event>{Event{std::string(ev::kRecoveryQuestionSet), std::move(d)}};
}

Result<std::vector<Event>> decide_forgot_password(const User& u, const std::string& token_digest,
                                                  Millis expires_at, const std::string& request_id,
                                                  bool self_service) {
    if (u.transitioning_to) return fail(ErrorCode::UserInTransition);
    // Okta answers E0000034 unless the user is ACTIVE with a recovery question (the same rule
    // as the user's forgotPassword link).
    if (u.status != UserStatus::Active || is_federated(u.provider_type) ||
        (!u.recovery_question && !self_service))
        return fail(ErrorCode::ForgotPasswordNotAllowed);
    Json d = Json::object();
    d.set("tokenDigest", token_digest);
    d.set("expiresAt", expires_at);
    if (!request_id.empty())
        d.set("request",
              request_object(request_id, request_kind::kEmail, email_template::kForgotPassword));
    return std::vector<Event>{Event{std::string(ev::kForgotPasswordRequested), std::move(d)}};
}

Result<std::vector<Event>> decide_forgot_password_reset(const User& u, const StoredPassword& next) {
    if (u.status != UserStatus::Active || !u.recovery_answer_hash)
        return fail(ErrorCode::ForgotPasswordNotAllowed);
    Json d = Json::object();
    d.set("password", next.to_json());
    return std::vector<Event>{Event{std::string(ev::kPasswordSet), std::move(d)}};
}

Result<void> check_redeemable(const User& u, RedeemedToken kind, std::string_view digest,
                              Millis now) {
    using S = UserStatus;
    const bool activation = kind == RedeemedToken::Activation;
    const TokenState state =
        activation ? token_state(u.activation_token_digest, u.activation_token_expires, digest, now)
                   : token_state(u.forgot_token_digest, u.forgot_token_expires, digest, now);
    const bool status_ok = activation ? u.status == S::Provisioned
                                      : (u.status == S::Recovery || u.status == S::Active ||
                                         u.status == S::PasswordExpired);
    if (state != TokenState::Valid || !status_ok || u.transitioning_to)
        return fail(ErrorCode::InvalidToken);
    return {};
}

Result<std::vector<Event>> decide_token_password_reset(const User& u, RedeemedToken kind,
                                                       std::string_view digest,
                                                       const StoredPassword& next,
                                                       const std::string& session_digest,
                                                       Millis session_expires, Millis now) {
    if (auto ok = check_redeemable(u, kind, digest, now); !ok) return std::unexpected(ok.error());
    std::vector<Event> out;
    Json d = Json::object();
    d.set("password", next.to_json());
    if (kind == RedeemedToken::Recovery && u.status != UserStatus::Active)
        d.set("status", "ACTIVE");
    out.push_back(Event{std::string(ev::kPasswordSet), std::move(d)});
    if (kind == RedeemedToken::Activation)
        out.push_back(status_event(ev::kActivated, UserStatus::Active));
    out.push_back(signed_in_event(session_digest, session_expires));
    return out;
}

}  // namespace idledger::domain
