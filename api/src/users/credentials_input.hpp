#pragma once
// Reading `credentials` from request bodies, checking policy, and hashing — all before the
// writer sees the command (hashing is slow by design).

#include <optional>
#include <string>

#include "core/context.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/secret.hpp"
#include "idledger/domain/user_decide.hpp"

namespace idledger::api {

struct PasswordInput {
    std::optional<domain::Secret> value;             // clear text to hash (never stored)
    std::optional<domain::StoredPassword> imported;  // hash or hook
    bool is_import() const { return imported.has_value(); }
};

/// Reads `{"value": ...}`, `{"hash": {...}}` or `{"hook": {"type": "default"}}`.
/// A password object without any of them means "no change" (nullopt).
domain::Result<std::optional<PasswordInput>> read_password(const domain::Json* password);

/// Reads `{"question": ..., "answer": ...}` (answer optional when `answer_required` is false).
struct RecoveryInput {
    std::string question;
    std::optional<domain::Secret> answer;
};
domain::Result<std::optional<RecoveryInput>> read_recovery(const domain::Json* rq,
                                                           bool answer_required);

/// Applies the password policy for `login` and hashes (argon2id), or passes an import through.
domain::Result<domain::StoredPassword> prepare_password(App& app, const PasswordInput& in,
                                                        const std::string& login);

/// Hashes the lower-cased recovery answer.
domain::RecoveryQuestion prepare_recovery(App& app, const RecoveryInput& in);

/// True when `password` matches the user's recovery answer (case-insensitive).
bool recovery_answer_matches(const domain::User& user, const domain::Secret& answer);

}  // namespace idledger::api
