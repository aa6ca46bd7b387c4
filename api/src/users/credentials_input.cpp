#include "users/credentials_input.hpp"

#include "idledger/domain/user_rules.hpp"

namespace idledger::api {

using domain::Json;

domain::Result<std::optional<PasswordInput>> read_password(const Json* pw) {
    if (!pw || pw->is_null()) return std::optional<PasswordInput>{};
    if (!pw->is_object()) return domain::fail(domain::ErrorCode::MalformedBody);
    PasswordInput in;
    if (const Json* v = pw->find("value"); v && !v->is_null()) {
        if (!v->is_string()) return domain::fail(domain::ErrorCode::MalformedBody);
        in.value = domain::Secret(v->as_string());
        return std::optional<PasswordInput>(std::move(in));
    }
    if (const Json* h = pw->find("hash"); h && !h->is_null()) {
        auto stored = domain::parse_password_import(*h);
        if (!stored) return std::unexpected(stored.error());
        in.imported = std::move(*stored);
        return std::optional<PasswordInput>(std::move(in));
    }
    if (const Json* hook = pw->find("hook"); hook && !hook->is_null()) {
        const Json* type = hook->find("type");
        if (!type || !type->is_string() || type->as_string() != "default")
            return domain::validation("password", "hook type must be 'default'");
        domain::StoredPassword s;
        s.algorithm = "HOOK";
        in.imported = s;
        return std::optional<PasswordInput>(std::move(in));
    }
    return std::optional<PasswordInput>{};
}

domain::Result<std::optional<RecoveryInput>> read_recovery(const Json* rq, bool answer_required) {
    if (!rq || rq->is_null()) return std::optional<RecoveryInput>{};
    if (!rq->is_object()) return domain::fail(domain::ErrorCode::MalformedBody);
    const Json* q = rq->find("question");
    const Json* a = rq->find("answer");
    if (!q || !q->is_string() || q->as_string().empty())
        return domain::validation("recovery_question", "The question cannot be left blank");
    if (q->as_string().size() > 100)
        return domain::validation("recovery_question", "The question cannot exceed 100 characters");
    RecoveryInput in;
    in.question = q->as_string();
    if (a && a->is_string() && !a->as_string().empty()) {
        if (a->as_string().size() > 100)
            return domain::validation("recovery_question",
                                      "The answer cannot exceed 100 characters");
        if (domain::normalize_login(q->as_string()).find(domain::normalize_login(a->as_string())) !=
            std::string::npos)
            return domain::validation(
                "recovery_question",
                "The security question answer must not be part of the question");
        in.answer = domain::Secret(a->as_string());
    } else if (answer_required) {
        return domain::validation("recovery_question", "The answer cannot be left blank");
    }
    return std::optional<RecoveryInput>(std::move(in));
}

domain::Result<domain::StoredPassword> prepare_password(App& app, const PasswordInput& in,
                                                        const std::string& login) {
    if (in.imported) return *in.imported;
    auto causes = domain::check_password_policy(app.config.password_policy, *in.value, login);
    if (!causes.empty()) return std::unexpected(domain::validation_error(std::move(causes)));
    domain::StoredPassword s;
    s.algorithm = "ARGON2ID";
    s.value = domain::argon2id_hash(*in.value, app.config.argon2);
    return s;
}

domain::RecoveryQuestion prepare_recovery(App& app, const RecoveryInput& in) {
    domain::RecoveryQuestion rq;
    rq.question = in.question;
    if (in.answer)
        rq.answer_hash = domain::argon2id_hash(
            domain::Secret(domain::normalize_login(in.answer->reveal())), app.config.argon2);
    return rq;
}

bool recovery_answer_matches(const domain::User& user, const domain::Secret& answer) {
    if (!user.recovery_answer_hash) return false;
    domain::StoredPassword s;
    s.algorithm = "ARGON2ID";
    s.value = *user.recovery_answer_hash;
    return domain::verify_password(domain::Secret(domain::normalize_login(answer.reveal())), s);
}

}  // namespace idledger::api
