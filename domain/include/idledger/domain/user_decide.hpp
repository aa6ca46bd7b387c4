#pragma once
// decide(): given the current User and a command, the events to append or an Okta error.
// Expensive preparation (hashing, verifying passwords) happens before these run, outside the
// writer; these functions are pure and cheap.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/error.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::domain {

struct RecoveryQuestion {
    std::string question;
    std::string answer_hash;
};

struct CreateUserCommand {
    std::string id;
    Json profile = Json::object();
    std::optional<StoredPassword> password;
    std::optional<RecoveryQuestion> recovery;
    std::string provider_type = "OKTA";
    std::string provider_name = "OKTA";
    std::string type_id;
    bool activate = true;
    bool expire_password = false;    // nextLogin=changePassword
    std::vector<std::string> roles;  // bootstrap only
};

/// `login_taken`: another user already holds the login (checked by the writer's index).
Result<std::vector<Event>> decide_create(const CreateUserCommand& cmd, bool login_taken);

struct UpdateUserCommand {
    std::optional<Json> profile;  // the complete profile after merge or replace (validated)
    std::optional<StoredPassword> password;
    bool password_is_import = false;
    std::optional<RecoveryQuestion> recovery;
    std::optional<std::string> type_id;
};

Result<std::vector<Event>> decide_update(const User& user, const UpdateUserCommand& cmd,
                                         bool login_taken);

enum class LifecycleOp {
    Activate,
    Reactivate,
    Deactivate,
    Suspend,
    Unsuspend,
    Unlock,
    ResetPassword,
    ExpirePassword,
    ResetFactors,
    Delete,
};

struct LifecycleCommand {
    LifecycleOp op;
    std::optional<StoredPassword> temp_password;  // expire_password with a temporary password
};

Result<std::vector<Event>> decide_lifecycle(const User& user, const LifecycleCommand& cmd);

Result<std::vector<Event>> decide_change_password(const User& user, const StoredPassword& next);
Result<std::vector<Event>> decide_change_recovery(const User& user, const RecoveryQuestion& rq);
Result<std::vector<Event>> decide_forgot_password(const User& user, const std::string& token_digest,
                                                  Millis expires_at);
/// Forgot-password with the answer already verified: sets the new password.
Result<std::vector<Event>> decide_forgot_password_reset(const User& user,
                                                        const StoredPassword& next);

/// POST /users/{id}: supplied members replace; everything else stays.
Json merge_profile(const Json& current, const Json& patch);

}  // namespace idledger::domain
