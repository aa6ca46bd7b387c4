// User state: status names, the state encoding, and evolve().

#include <algorithm>

#include "idledger/domain/roles.hpp"
#include "idledger/domain/sign_in.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::domain {
namespace {

constexpr std::pair<UserStatus, std::string_view> kStatusNames[] = {
    {UserStatus::Staged, "STAGED"},        {UserStatus::Provisioned, "PROVISIONED"},
    {UserStatus::Active, "ACTIVE"},        {UserStatus::Recovery, "RECOVERY"},
    {UserStatus::LockedOut, "LOCKED_OUT"}, {UserStatus::PasswordExpired, "PASSWORD_EXPIRED"},
    {UserStatus::Suspended, "SUSPENDED"},  {UserStatus::Deprovisioned, "DEPROVISIONED"},
};

std::optional<Millis> opt_ms(const Json& j, std::string_view k) {
    const Json* v = j.find(k);
    if (v && v->is_int()) return v->as_int();
    return std::nullopt;
}

void set_opt(Json& j, std::string_view k, const std::optional<Millis>& v) {
    if (v) j.set(k, *v);
}

void set_opt(Json& j, std::string_view k, const std::optional<std::string>& v) {
    if (v) j.set(k, *v);
}

void change_status(User& u, UserStatus to, Millis at) {
    if (u.status != to) u.status_changed = at;
    u.status = to;
    u.transitioning_to.reset();
    if (to == UserStatus::Active && !u.activated) u.activated = at;
}

void push_history(User& u) {
    if (u.password && u.password->algorithm == "ARGON2ID") {
        u.password_history.insert(u.password_history.begin(), u.password->value);
        if (u.password_history.size() > 24) u.password_history.resize(24);
    }
}

}  // namespace

std::string_view to_string(UserStatus s) {
    for (auto [k, v] : kStatusNames)
        if (k == s) return v;
    return "STAGED";
}

std::optional<UserStatus> parse_user_status(std::string_view s) {
    for (auto [k, v] : kStatusNames)
        if (v == s) return k;
    return std::nullopt;
}

std::string User::login() const { return profile.string_at("login"); }
std::string User::email() const { return profile.string_at("email"); }

bool User::has_role(std::string_view role) const {
    return std::any_of(roles.begin(), roles.end(),
                       [&](const RoleAssignment& a) { return a.type == role; });
}

Json User::to_state_json() const {
    Json j = Json::object();
    j.set("id", id);
    j.set("status", to_string(status));
    if (transitioning_to) j.set("transitioningToStatus", to_string(*transitioning_to));
    j.set("created", created);
    j.set("lastUpdated", last_updated);
    set_opt(j, "activated", activated);
    set_opt(j, "statusChanged", status_changed);
    set_opt(j, "lastLogin", last_login);
    set_opt(j, "passwordChanged", password_changed);
    j.set("typeId", type_id);
    j.set("profile", profile);
    if (password) j.set("password", password->to_json());
    if (!password_history.empty()) {
        Json h = Json::array();
        for (const auto& p : password_history) h.push(p);
        j.set("passwordHistory", std::move(h));
    }
    set_opt(j, "recoveryQuestion", recovery_question);
    set_opt(j, "recoveryAnswerHash", recovery_answer_hash);
    j.set("providerType", provider_type);
    j.set("providerName", provider_name);
    if (!roles.empty()) {
        Json r = Json::array();
        for (const auto& role : roles) r.push(role.to_json());
        j.set("roleAssignments", std::move(r));
    }
    set_opt(j, "forgotTokenDigest", forgot_token_digest);
    set_opt(j, "forgotTokenExpires", forgot_token_expires);
    set_opt(j, "passwordWarnedFor", password_warned_for);
    if (failed_sign_ins) j.set("failedSignIns", int64_t(failed_sign_ins));
    set_opt(j, "sessionTokenDigest", session_token_digest);
    set_opt(j, "sessionTokenExpires", session_token_expires);
    set_opt(j, "activationTokenDigest", activation_token_digest);
    set_opt(j, "activationTokenExpires", activation_token_expires);
    if (request_id) {
        j.set("requestId", *request_id);
        j.set("requestKind", request_kind);
        if (request_position) j.set("requestPosition", int64_t(*request_position));
    }
    j.set("version", int64_t(version));
    return j;
}

std::optional<User> User::from_state_json(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    User u;
    u.id = j.string_at("id");
    auto st = parse_user_status(j.string_at("status"));
    if (u.id.empty() || !st) return std::nullopt;
    u.status = *st;
    if (auto t = j.optional_string("transitioningToStatus"))
        u.transitioning_to = parse_user_status(*t);
    u.created = opt_ms(j, "created").value_or(0);
    u.last_updated = opt_ms(j, "lastUpdated").value_or(0);
    u.activated = opt_ms(j, "activated");
    u.status_changed = opt_ms(j, "statusChanged");
    u.last_login = opt_ms(j, "lastLogin");
    u.password_changed = opt_ms(j, "passwordChanged");
    u.type_id = j.string_at("typeId");
    if (const Json* p = j.find("profile")) u.profile = *p;
    if (const Json* p = j.find("password")) u.password = StoredPassword::from_json(*p);
    if (const Json* h = j.find("passwordHistory"); h && h->is_array())
        for (const auto& e : h->as_array())
            if (e.is_string()) u.password_history.push_back(e.as_string());
    u.recovery_question = j.optional_string("recoveryQuestion");
    u.recovery_answer_hash = j.optional_string("recoveryAnswerHash");
    u.provider_type = j.string_at("providerType");
    u.provider_name = j.string_at("providerName");
    if (const Json* r = j.find("roleAssignments"); r && r->is_array())
        for (const auto& e : r->as_array())
            if (auto a = RoleAssignment::from_json(e)) u.roles.push_back(std::move(*a));
    if (const Json* r = j.find("roles"); r && r->is_array())  // read models before assignments
        for (const auto& e : r->as_array())
            if (e.is_string()) {
                Json d = Json::object();
                d.set("type", e.as_string());
                apply_role_event(u.roles, user_event::kRoleGranted, user_event::kRoleRevoked,
                                 Event{std::string(user_event::kRoleGranted), std::move(d)},
                                 u.created, u.id);
            }
    u.forgot_token_digest = j.optional_string("forgotTokenDigest");
    u.forgot_token_expires = opt_ms(j, "forgotTokenExpires");
    u.password_warned_for = opt_ms(j, "passwordWarnedFor");
    if (const Json* f = j.find("failedSignIns"); f && f->is_int())
        u.failed_sign_ins = int(f->as_int());
    u.session_token_digest = j.optional_string("sessionTokenDigest");
    u.session_token_expires = opt_ms(j, "sessionTokenExpires");
    u.activation_token_digest = j.optional_string("activationTokenDigest");
    u.activation_token_expires = opt_ms(j, "activationTokenExpires");
    u.request_id = j.optional_string("requestId");
    u.request_kind = j.string_at("requestKind");
    if (auto p = opt_ms(j, "requestPosition")) u.request_position = uint64_t(*p);
    if (const Json* v = j.find("version"); v && v->is_int()) u.version = uint64_t(v->as_int());
    return u;
}

namespace {

/// The parts of an event's payload every event type may carry: a request it opens, the request
/// it completes, the transition it starts, and the one-time tokens it issues.
void evolve_request_and_tokens(User& u, const Json& d) {
    if (auto done = d.optional_string("completes"); done && done == u.request_id) {
        u.request_id.reset();
        u.request_kind.clear();
        u.request_position.reset();
    }
    if (const Json* r = d.find("request"); r && r->is_object()) {
        u.request_id = r->string_at("id");
        u.request_kind = r->string_at("kind");
        u.request_position.reset();
    }
    if (auto t = d.optional_string("transitioningToStatus"))
        u.transitioning_to = parse_user_status(*t);
    if (auto w = opt_ms(d, "warnedFor")) u.password_warned_for = w;
    if (auto a = d.optional_string("activationTokenDigest")) {
        u.activation_token_digest = a;
        u.activation_token_expires = opt_ms(d, "activationTokenExpiresAt");
    }
    if (auto r = d.optional_string("resetTokenDigest")) {
        u.forgot_token_digest = r;
        u.forgot_token_expires = opt_ms(d, "resetTokenExpiresAt");
    }
}

void clear_tokens(User& u) {
    u.activation_token_digest.reset();
    u.activation_token_expires.reset();
    u.forgot_token_digest.reset();
    u.forgot_token_expires.reset();
}

}  // namespace

TokenState token_state(const std::optional<std::string>& current,
                       const std::optional<Millis>& expires, std::string_view digest, Millis now) {
    if (!current || *current != digest) return TokenState::Unknown;
    if (expires && *expires <= now) return TokenState::Expired;
    return TokenState::Valid;
}

void evolve(User& u, const Event& e, Millis at) {
    namespace ev = user_event;
    const Json& d = e.data;
    u.version += 1;
    evolve_request_and_tokens(u, d);
    if (e.type == ev::kCreated) {
        u.id = d.string_at("id");
        u.status = parse_user_status(d.string_at("status")).value_or(UserStatus::Staged);
        u.created = at;
        u.last_updated = at;
        if (u.status != UserStatus::Staged) u.status_changed = at;
        if (u.status == UserStatus::Active || u.status == UserStatus::PasswordExpired)
            u.activated = at;
        u.type_id = d.string_at("typeId");
        if (const Json* p = d.find("profile")) u.profile = *p;
        if (const Json* p = d.find("password")) {
            u.password = StoredPassword::from_json(*p);
            u.password_changed = at;
        }
        u.recovery_question = d.optional_string("recoveryQuestion");
        u.recovery_answer_hash = d.optional_string("recoveryAnswerHash");
        u.provider_type = d.string_at("providerType");
        u.provider_name = d.string_at("providerName");
        return;
    }
    // lastUpdated is what Okta shows as changed about the user: a forgot-password request or an
    // e-mail's delivery report changes nothing of it.
    if (e.type != ev::kForgotPasswordRequested && e.type != ev::kEmailDelivered &&
        e.type != ev::kEmailFailed && e.type != ev::kRoleGranted && e.type != ev::kRoleRevoked &&
        e.type != sign_in_event::kSignedIn && e.type != sign_in_event::kFailed)
        u.last_updated = at;
    if (e.type == ev::kProfileReplaced) {
        if (const Json* p = d.find("profile")) u.profile = *p;
    } else if (e.type == ev::kTypeChanged) {
        u.type_id = d.string_at("typeId");
    } else if (e.type == ev::kPasswordSet) {
        push_history(u);
        if (const Json* p = d.find("password")) u.password = StoredPassword::from_json(*p);
        u.password_changed = at;
        u.failed_sign_ins = 0;
        u.forgot_token_digest.reset();
        u.forgot_token_expires.reset();
        if (auto s = d.optional_string("status")) change_status(u, *parse_user_status(*s), at);
    } else if (e.type == ev::kRecoveryQuestionSet) {
        u.recovery_question = d.optional_string("question");
        u.recovery_answer_hash = d.optional_string("answerHash");
    } else if (e.type == ev::kActivated || e.type == ev::kUnsuspended || e.type == ev::kUnlocked ||
               e.type == ev::kSuspended || e.type == ev::kDeactivated ||
               e.type == ev::kReactivated || e.type == ev::kPasswordReset ||
               e.type == ev::kPasswordExpired) {
        if (auto s = d.optional_string("status"); s && parse_user_status(*s))
            change_status(u, *parse_user_status(*s), at);
        if (e.type == ev::kDeactivated) clear_tokens(u);
        if (e.type == ev::kUnlocked || e.type == ev::kPasswordReset) u.failed_sign_ins = 0;
        // Activation into ACTIVE needs no welcome: the activation token is spent.
        if (e.type == ev::kActivated && u.status == UserStatus::Active) {
            u.activation_token_digest.reset();
            u.activation_token_expires.reset();
        }
        if (e.type == ev::kPasswordExpired) {
            if (const Json* p = d.find("password")) {
                push_history(u);
                u.password = StoredPassword::from_json(*p);
                u.password_changed = at;
            }
        }
    } else if (e.type == ev::kConvertedToFederated) {
        if (u.password) push_history(u);
        u.password.reset();
        u.password_changed.reset();
        u.recovery_question.reset();
        u.recovery_answer_hash.reset();
        u.provider_type = d.string_at("providerType");
        u.provider_name = d.string_at("providerName");
        if (auto s = d.optional_string("status"); s && parse_user_status(*s))
            change_status(u, *parse_user_status(*s), at);
    } else if (e.type == ev::kForgotPasswordRequested) {
        u.forgot_token_digest = d.optional_string("tokenDigest");
        u.forgot_token_expires = opt_ms(d, "expiresAt");
    } else if (e.type == ev::kActivationRequested || e.type == ev::kDeactivationRequested) {
        // transitioningToStatus and the request were folded above; status waits for completion.
    } else if (e.type == sign_in_event::kSignedIn) {
        u.last_login = at;
        u.failed_sign_ins = 0;
        // An imported hash, verified, is replaced by argon2id of the same password: not a new
        // password (passwordChanged and the history stay).
        if (const Json* p = d.find("password")) u.password = StoredPassword::from_json(*p);
        u.session_token_digest = d.optional_string("sessionTokenDigest");
        u.session_token_expires = opt_ms(d, "sessionExpiresAt");
    } else if (e.type == sign_in_event::kFailed) {
        if (const Json* c = d.find("counts"); c && c->is_bool() && c->as_bool())
            ++u.failed_sign_ins;
    } else if (e.type == sign_in_event::kLockedOut) {
        change_status(u, UserStatus::LockedOut, at);
    } else {
        apply_role_event(u.roles, ev::kRoleGranted, ev::kRoleRevoked, e, at, u.id);
    }
}

}  // namespace idledger::domain
