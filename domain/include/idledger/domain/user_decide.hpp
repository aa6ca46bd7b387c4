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

/// A one-time token issued by a command: only its digest is recorded.
struct IssuedToken {
    std::string digest;
    Millis expires_at = 0;
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
    /// Set when the user may land in PROVISIONED: the activation e-mail's request and token.
    std::string activation_request_id = {};
    std::optional<IssuedToken> activation_token = {};
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
    ConvertToFederated,  // reset_password?provider=FEDERATION&sendEmail=false
};

struct LifecycleCommand {
    LifecycleOp op;
    std::optional<StoredPassword> temp_password = {};  // expire_password with a temporary one
    /// The id any asynchronous request the command opens gets (activation, deactivation, e-mail).
    std::string request_id = {};
    bool send_email = false;                // activate, reactivate, reset_password
    std::optional<IssuedToken> token = {};  // activation (activate, reactivate) or reset token
};

/// The events of a lifecycle operation. Activation and deactivation only *request* the change
/// (transitioningToStatus); a worker's completion sets the status. A deactivation (or DELETE)
/// of a user already transitioning to DEPROVISIONED decides nothing: the caller joins the
/// user's outstanding request.
Result<std::vector<Event>> decide_lifecycle(const User& user, const LifecycleCommand& cmd);

/// What a worker reported for a request.
struct CompletionReport {
    std::string request_id;
    std::string kind;  // request_kind::*
    /// The e-mail the request asked for, if any: delivered or failed (after the worker's retries).
    struct Email {
        std::string template_name;
        bool delivered = false;
        std::string message_id;
        std::string transport;  // "smtp" or "file"
        std::string error;
    };
    std::optional<Email> email;
    size_t revoked_api_tokens = 0;           // deprovisioning's effects on other streams
    std::optional<Millis> password_changed;  // expire_password: the age the request was made for
};

/// Whether `request_id` (of `kind`) is the user's outstanding request.
bool is_outstanding(const User& user, std::string_view request_id, std::string_view kind);

/// The completion events of a request. Empty when the request is no longer the user's
/// outstanding one (a duplicate delivery, or superseded): the report is acknowledged and dropped.
std::vector<Event> decide_completion(const User& user, const CompletionReport& report);

/// Whether the password policy's maximum age has expired the user's password at `now`.
bool password_due_to_expire(const User& user, Millis max_age_ms, Millis now);
/// The scheduler's expiry warning (an e-mail) for a password within `warn_ms` of its maximum age:
/// once per password, none when another request is open.
std::optional<Event> decide_password_expiry_warning(const User& user, Millis max_age_ms,
                                                    Millis warn_ms, Millis now,
                                                    const std::string& request_id);
/// The scheduler's request for a due password (none when not due or another request is open).
std::optional<Event> decide_password_expiry_request(const User& user, Millis max_age_ms, Millis now,
                                                    const std::string& request_id);

Result<std::vector<Event>> decide_change_password(const User& user, const StoredPassword& next);
Result<std::vector<Event>> decide_change_recovery(const User& user, const RecoveryQuestion& rq);
/// `request_id` non-empty: a worker e-mails the reset link. `self_service`: the user asked
/// (POST /api/v1/authn/recovery/password): the e-mail is the factor, no recovery question needed.
Result<std::vector<Event>> decide_forgot_password(const User& user, const std::string& token_digest,
                                                  Millis expires_at,
                                                  const std::string& request_id = {},
                                                  bool self_service = false);
/// Forgot-password with the answer already verified: sets the new password.
Result<std::vector<Event>> decide_forgot_password_reset(const User& user,
                                                        const StoredPassword& next);

/// The one-time tokens a user redeems through the Authentication API.
enum class RedeemedToken { Activation, Recovery };

/// Whether `digest` is the user's current, unexpired token of `kind` and the user may redeem it
/// (activation: PROVISIONED; recovery: RECOVERY, ACTIVE or PASSWORD_EXPIRED). 401 E0000011
/// otherwise (unknown, spent, superseded or expired look the same).
Result<void> check_redeemable(const User& u, RedeemedToken kind, std::string_view digest,
                              Millis now);

/// PASSWORD_RESET answered: the new password is set, the token spent, the user ACTIVE (an
/// activation also activates), and the user signed in with the session token `session_digest`.
Result<std::vector<Event>> decide_token_password_reset(const User& u, RedeemedToken kind,
                                                       std::string_view digest,
                                                       const StoredPassword& next,
                                                       const std::string& session_digest,
                                                       Millis session_expires, Millis now);

/// POST /users/{id}: supplied members replace; everything else stays.
Json merge_profile(const Json& current, const Json& patch);

}  // namespace idledger::domain
