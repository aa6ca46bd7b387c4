#pragma once
// Profile validation and the password policy: pure checks producing Okta's error causes.

#include <string>
#include <vector>

#include "idledger/domain/error.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/secret.hpp"

namespace idledger::domain {

struct PasswordPolicy {
    int min_length = 8;
    int max_length = 72;
    bool require_lowercase = true;
    bool require_uppercase = true;
    bool require_number = true;
    bool require_symbol = false;
    bool exclude_username = true;
    int history_count = 4;    // enforced on change_password and with strict=true
    int min_age_minutes = 0;  // enforced only with strict=true
};

/// "Password requirements: at least 8 characters, a lowercase letter, ..." for this policy.
std::string describe_policy(const PasswordPolicy& policy);

/// Causes (empty when the password satisfies the policy for this login).
std::vector<ErrorCause> check_password_policy(const PasswordPolicy& policy, const Secret& password,
                                              const std::string& login);

/// Validates a whole profile (required base attributes present, formats and lengths).
/// Returns the causes; the first cause's field names the error.
std::vector<ErrorCause> validate_profile(const Json& profile);

/// A profile's size limit, as its compact JSON text: larger ones are refused with E0000001 (Okta
/// limits each attribute; this bounds the whole user, and so every page of a list).
inline constexpr size_t kMaxProfileBytes = 64 * 1024;

/// Okta compares logins case-insensitively: the key of the login index.
std::string normalize_login(std::string_view login);

/// True when the string holds a character outside the Basic Multilingual Plane (4-byte UTF-8).
bool has_non_bmp(std::string_view s);

/// An E0000001 error from causes whose summaries start with "<field>: ".
Error validation_error(std::vector<ErrorCause> causes);

}  // namespace idledger::domain
