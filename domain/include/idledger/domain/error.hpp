#pragma once
// The Okta error catalogue and the domain's error value. Only api/ turns these into HTTP.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace idledger::domain {

enum class ErrorCode {
    ValidationFailed,          // E0000001 400
    InvalidRequest,            // E0000002 400
    MalformedBody,             // E0000003 400
    AuthenticationFailed,      // E0000004 401
    InvalidSession,            // E0000005 403
    PermissionDenied,          // E0000006 403
    NotFound,                  // E0000007 404
    PathNotFound,              // E0000008 404
    InternalError,             // E0000009 500
    InvalidToken,              // E0000011 401
    CredentialsUpdateFailed,   // E0000014 403
    AlreadyActive,             // E0000016 403
    ResetPasswordFailed,       // E0000017 403
    UnsupportedMediaType,      // E0000021 400 (Okta's table)
    MethodNotAllowed,          // E0000022 405
    MissingParameter,          // E0000028 400
    InvalidPaging,             // E0000029 400
    InvalidDate,               // E0000030 400
    InvalidSearch,             // E0000031 400
    UnlockNotAllowed,          // E0000032 403
    SearchAndFilter,           // E0000033 400
    ForgotPasswordNotAllowed,  // E0000034 403
    ChangePasswordNotAllowed,  // E0000035 403
    ChangeRecoveryNotAllowed,  // E0000036 403
    TypeMismatch,              // E0000037 400
    OperationNotAllowed,       // E0000038 403
    RateLimited,               // E0000047 429
    InvalidLogFilter,          // E0000053 400
    DeleteAppForbidden,        // E0000056 403
    UnsupportedOperation,      // E0000060 400
    LinkedObjectConflict,      // E0000127 409
    RoleAlreadyAssigned,       // E0000090 409
    RecoveryAnswerMismatch,    // E0000087 403
    TargetCountExceeded,       // E0000093 400
    NextLoginNeedsPassword,    // E0000124 400
    NextLoginNeedsActivate,    // E0000125 400
    UserInTransition,          // E0000112 409
    PayloadTooLarge,           // E0000001-like, 413
    EtagMismatch,              // E0000231 412
    EtagMalformed,             // E0000242 400
    Unavailable,               // E0000010 503
};

struct ErrorCause {
    std::string summary;
    // Okta's further members of some causes (linked objects): "UNIQUE_CONSTRAINT", "body",
    // "linkedObjects". Empty ones are not shown.
    std::string reason = {};
    std::string location_type = {};
    std::string domain = {};
};

/// A domain failure: which catalogue entry, the detail substituted into its summary, and causes.
struct Error {
    ErrorCode code = ErrorCode::InternalError;
    std::string detail;              // substituted for {0} in the summary
    std::vector<ErrorCause> causes;  // "field: message"
};

struct CatalogueEntry {
    int http_status;
    std::string_view okta_code;
    std::string_view summary;  // may contain "{0}"
};

/// The single table from error code to Okta status, code and summary text.
const CatalogueEntry& catalogue(ErrorCode code);

/// The summary with {0} replaced by the error's detail.
std::string error_summary(const Error& e);

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string detail = {},
                                   std::vector<ErrorCause> causes = {}) {
    return std::unexpected(Error{code, std::move(detail), std::move(causes)});
}

/// `400 E0000001 Api validation failed: <field>` with cause `<field>: <message>`.
inline std::unexpected<Error> validation(std::string field, std::string message) {
    std::string cause = field + ": " + message;
    return fail(ErrorCode::ValidationFailed, std::move(field), {{std::move(cause)}});
}

/// `404 E0000007 Not found: Resource not found: <id> (<kind>)`.
inline std::unexpected<Error> not_found(std::string_view id, std::string_view kind) {
    return fail(ErrorCode::NotFound,
                "Resource not found: " + std::string(id) + " (" + std::string(kind) + ")");
}

}  // namespace idledger::domain
