#pragma once
// The User aggregate: its state, its statuses, and the events that change it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/role_assignment.hpp"

namespace idledger::domain {

enum class UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    LockedOut,
    PasswordExpired,
    Suspended,
    Deprovisioned,
};

std::string_view to_string(UserStatus s);
std::optional<UserStatus> parse_user_status(std::string_view s);

struct User {
    std::string id;
    UserStatus status = UserStatus::Staged;
    std::optional<UserStatus> transitioning_to;
    Millis created = 0;
    Millis last_updated = 0;
    std::optional<Millis> activated;
    std::optional<Millis> status_changed;
    std::optional<Millis> last_login;
    std::optional<Millis> password_changed;
    std::string type_id;
    Json profile = Json::object();
    std::optional<StoredPassword> password;
    std::vector<std::string> password_history;  // earlier argon2id hashes, newest first
    std::optional<std::string> recovery_question;
    std::optional<std::string> recovery_answer_hash;  // argon2id of the lower-cased answer
    std::string provider_type = "OKTA";
    std::string provider_name = "OKTA";
    std::vector<RoleAssignment> roles;  // the admin roles assigned to the user directly
    /// The recovery token (reset_password or forgot_password): digest and expiry.
    std::optional<std::string> forgot_token_digest;
    std::optional<Millis> forgot_token_expires;
    /// The activation token (activate, reactivate): a newer one supersedes the older.
    std::optional<std::string> activation_token_digest;
    std::optional<Millis> activation_token_expires;
    /// The user's outstanding asynchronous request (at most one; a newer request supersedes it):
    /// its id and kind are set by the requesting event and cleared by the event that completes it.
    std::optional<std::string> request_id;
    std::string request_kind;
    /// The password age (its passwordChanged) the expiry warning was sent for: once per password.
    std::optional<Millis> password_warned_for;
    /// Failed sign-ins in a row (reset by a success, an unlock, a new password).
    int failed_sign_ins = 0;
    /// The one-time session token of the last successful sign-in: digest and expiry.
    std::optional<std::string> session_token_digest;
    std::optional<Millis> session_token_expires;
    /// Log position of the requesting event: set by the projection, not by evolve().
    std::optional<uint64_t> request_position;
    uint64_t version = 0;  // stream version: the ETag

    std::string login() const;
    std::string email() const;
    bool has_role(std::string_view role) const;

    /// Internal state encoding (the users read model), not the API shape.
    Json to_state_json() const;
    static std::optional<User> from_state_json(const Json& j);
};

/// One domain event: a type name and its payload. Payloads never hold a secret in clear.
struct Event {
    std::string type;
    Json data;
};

namespace user_event {
inline constexpr std::string_view kCreated = "UserCreated";
inline constexpr std::string_view kProfileReplaced = "UserProfileReplaced";
inline constexpr std::string_view kTypeChanged = "UserTypeChanged";
inline constexpr std::string_view kPasswordSet = "UserPasswordSet";
inline constexpr std::string_view kRecoveryQuestionSet = "UserRecoveryQuestionSet";
inline constexpr std::string_view kActivated = "UserActivated";
inline constexpr std::string_view kReactivated = "UserReactivated";
inline constexpr std::string_view kDeactivated = "UserDeactivated";
inline constexpr std::string_view kSuspended = "UserSuspended";
inline constexpr std::string_view kUnsuspended = "UserUnsuspended";
inline constexpr std::string_view kUnlocked = "UserUnlocked";
inline constexpr std::string_view kPasswordReset = "UserPasswordReset";
inline constexpr std::string_view kPasswordExpired = "UserPasswordExpired";
inline constexpr std::string_view kFactorsReset = "UserFactorsReset";
/// reset_password?provider=FEDERATION: the user now signs in through its identity provider.
inline constexpr std::string_view kConvertedToFederated = "UserConvertedToFederated";
inline constexpr std::string_view kForgotPasswordRequested = "UserForgotPasswordRequested";
inline constexpr std::string_view kRoleGranted = role_event::kUserGranted;
inline constexpr std::string_view kRoleRevoked = role_event::kUserRevoked;
inline constexpr std::string_view kDeleted = "UserDeleted";
// Asynchronous lifecycle: a *requested* event now, the completion when a worker reports back.
inline constexpr std::string_view kActivationRequested = "UserActivationRequested";
inline constexpr std::string_view kDeactivationRequested = "UserDeactivationRequested";
inline constexpr std::string_view kPasswordExpiryRequested = "UserPasswordExpiryRequested";
inline constexpr std::string_view kPasswordExpiryCancelled = "UserPasswordExpiryCancelled";
inline constexpr std::string_view kPasswordExpiryWarningRequested =
    "UserPasswordExpiryWarningRequested";
inline constexpr std::string_view kEmailDelivered = "UserEmailDelivered";
inline constexpr std::string_view kEmailFailed = "UserEmailFailed";
}  // namespace user_event

/// Kinds of asynchronous requests (the "request" member of a requesting event's payload).
namespace request_kind {
inline constexpr std::string_view kActivate = "activate";
inline constexpr std::string_view kDeactivate = "deactivate";
inline constexpr std::string_view kExpirePassword = "expire_password";
inline constexpr std::string_view kEmail = "email";
}  // namespace request_kind

/// E-mail templates a request may ask a worker to send.
namespace email_template {
inline constexpr std::string_view kActivation = "activation";
inline constexpr std::string_view kPasswordReset = "password-reset";
inline constexpr std::string_view kForgotPassword = "forgot-password";
inline constexpr std::string_view kPasswordExpiryWarning = "password-expiry-warning";
inline constexpr std::string_view kAdminNotification = "admin-notification";
}  // namespace email_template

/// Where a presented one-time token stands: the current one and unexpired, the current one but
/// expired, or unknown (never issued, superseded by a newer one, or spent).
enum class TokenState { Valid, Expired, Unknown };
TokenState token_state(const std::optional<std::string>& current_digest,
                       const std::optional<Millis>& expires, std::string_view digest, Millis now);

/// Folds one event into the state. `at` is the event's commit time. Pure and total: an unknown
/// event type leaves the state unchanged (forward compatibility).
void evolve(User& user, const Event& event, Millis at);

}  // namespace idledger::domain
