#include "idledger/domain/error.hpp"

#include <stdexcept>

namespace idledger::domain {

const CatalogueEntry& catalogue(ErrorCode code) {
    static const CatalogueEntry kValidation{400, "E0000001", "Api validation failed: {0}"};
    static const CatalogueEntry kInvalid{400, "E0000002", "The request was not valid: {0}"};
    static const CatalogueEntry kMalformed{400, "E0000003",
                                           "The request body was not well-formed."};
    static const CatalogueEntry kRoleAssigned{
        409, "E0000090", "The role specified is already assigned to the user."};
    static const CatalogueEntry kAuthFailed{401, "E0000004", "Authentication failed"};
    static const CatalogueEntry kSession{403, "E0000005", "Invalid session"};
    static const CatalogueEntry kPermission{
        403, "E0000006", "You do not have permission to perform the requested action"};
    static const CatalogueEntry kNotFound{404, "E0000007", "Not found: {0}"};
    static const CatalogueEntry kPath{404, "E0000008", "The requested path was not found"};
    static const CatalogueEntry kInternal{500, "E0000009", "Internal Server Error"};
    static const CatalogueEntry kUnavailable{503, "E0000010", "Service is temporarily unavailable"};
    static const CatalogueEntry kToken{401, "E0000011", "Invalid token provided"};
    static const CatalogueEntry kCred{403, "E0000014", "Update of credentials failed"};
    static const CatalogueEntry kActive{403, "E0000016",
                                        "Activation failed because the user is already active"};
    static const CatalogueEntry kReset{403, "E0000017", "Password reset failed"};
    static const CatalogueEntry kMedia{
        400, "E0000021",
        "Bad request.  Accept and/or Content-Type headers likely do not match supported values."};
    static const CatalogueEntry kMethod{405, "E0000022",
                                        "The endpoint does not support the provided HTTP method"};
    static const CatalogueEntry kMissing{400, "E0000028",
                                         "The request is missing a required parameter."};
    static const CatalogueEntry kPaging{400, "E0000029", "Invalid paging request."};
    static const CatalogueEntry kDate{
        400, "E0000030",
        "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. "
        "2013-01-01T12:00:00.000-07:00."};
    static const CatalogueEntry kSearch{400, "E0000031", "Invalid search criteria."};
    static const CatalogueEntry kUnlock{403, "E0000032", "Unlock is not allowed for this user."};
    static const CatalogueEntry kBoth{
        400, "E0000033",
        "Bad request. Can't specify a search query and filter in the same request."};
    static const CatalogueEntry kForgot{403, "E0000034",
                                        "Forgot password not allowed on specified user."};
    static const CatalogueEntry kChange{403, "E0000035",
                                        "Change password not allowed on specified user."};
    static const CatalogueEntry kRecovery{
        403, "E0000036", "Change recovery question not allowed on specified user."};
    static const CatalogueEntry kType{400, "E0000037", "Type mismatch exception. {0}"};
    static const CatalogueEntry kStatus{
        403, "E0000038", "This operation is not allowed in the user's current status."};
    static const CatalogueEntry kRate{429, "E0000047",
                                      "API call exceeded rate limit due to too many requests."};
    static const CatalogueEntry kLogFilter{400, "E0000053", "Invalid parameter: {0}"};
    static const CatalogueEntry kAnswer{403, "E0000087",
                                        "The recovery question answer did not match our records."};
    static const CatalogueEntry kUnsupported{400, "E0000060", "Unsupported operation."};
    static const CatalogueEntry kDeleteApp{403, "E0000056", "Delete application forbidden."};
    static const CatalogueEntry kLinked{409, "E0000127",
                                        "Invalid linked objection definition. {0}"};
    static const CatalogueEntry kTargets{400, "E0000093", "Target count limit exceeded"};
    static const CatalogueEntry kTransition{
        409, "E0000112",
        "Cannot update this user because they are still being activated. Please try again "
        "later."};
    static const CatalogueEntry kNeedPw{
        400, "E0000124",
        "Could not create user. To create a user and expire their password immediately, a "
        "password must be specified"};
    static const CatalogueEntry kNeedActivate{
        400, "E0000125",
        "Could not create user. To create a user and expire their password immediately, "
        "\"activate\" must be true"};
    static const CatalogueEntry kTooLarge{413, "E0000001", "Api validation failed: {0}"};
    static const CatalogueEntry kEtag{412, "E0000231", "ETag value doesn't match."};
    static const CatalogueEntry kEtagBad{400, "E0000242", "Invalid ETag value."};

    switch (code) {
        case ErrorCode::UnsupportedOperation:
            return kUnsupported;
        case ErrorCode::DeleteAppForbidden:
            return kDeleteApp;
        case ErrorCode::LinkedObjectConflict:
            return kLinked;
        case ErrorCode::RoleAlreadyAssigned:
            return kRoleAssigned;
        case ErrorCode::ValidationFailed:
            return kValidation;
        case ErrorCode::InvalidRequest:
            return kInvalid;
        case ErrorCode::MalformedBody:
            return kMalformed;
        case ErrorCode::AuthenticationFailed:
            return kAuthFailed;
        case ErrorCode::InvalidSession:
            return kSession;
        case ErrorCode::PermissionDenied:
            return kPermission;
        case ErrorCode::NotFound:
            return kNotFound;
        case ErrorCode::PathNotFound:
            return kPath;
        case ErrorCode::InternalError:
            return kInternal;
        case ErrorCode::Unavailable:
            return kUnavailable;
        case ErrorCode::InvalidToken:
            return kToken;
        case ErrorCode::CredentialsUpdateFailed:
            return kCred;
        case ErrorCode::AlreadyActive:
            return kActive;
        case ErrorCode::ResetPasswordFailed:
            return kReset;
        case ErrorCode::UnsupportedMediaType:
            return kMedia;
        case ErrorCode::MethodNotAllowed:
            return kMethod;
        case ErrorCode::MissingParameter:
            return kMissing;
        case ErrorCode::InvalidPaging:
            return kPaging;
        case ErrorCode::InvalidDate:
            return kDate;
        case ErrorCode::InvalidSearch:
            return kSearch;
        case ErrorCode::UnlockNotAllowed:
            return kUnlock;
        case ErrorCode::SearchAndFilter:
            return kBoth;
        case ErrorCode::ForgotPasswordNotAllowed:
            return kForgot;
        case ErrorCode::ChangePasswordNotAllowed:
            return kChange;
        case ErrorCode::ChangeRecoveryNotAllowed:
            return kRecovery;
        case ErrorCode::TypeMismatch:
            return kType;
        case ErrorCode::OperationNotAllowed:
            return kStatus;
        case ErrorCode::RateLimited:
            return kRate;
        case ErrorCode::InvalidLogFilter:
            return kLogFilter;
        case ErrorCode::RecoveryAnswerMismatch:
            return kAnswer;
        case ErrorCode::TargetCountExceeded:
            return kTargets;
        case ErrorCode::UserInTransition:
            return kTransition;
        case ErrorCode::NextLoginNeedsPassword:
            return kNeedPw;
        case ErrorCode::NextLoginNeedsActivate:
            return kNeedActivate;
        case ErrorCode::PayloadTooLarge:
            return kTooLarge;
        case ErrorCode::EtagMismatch:
            return kEtag;
        case ErrorCode::EtagMalformed:
            return kEtagBad;
    }
    return kInternal;
}

std::string error_summary(const Error& e) {
    std::string s(catalogue(e.code).summary);
    auto pos = s.find("{0}");
    if (pos != std::string::npos) s.replace(pos, 3, e.detail);
    return s;
}

}  // namespace idledger::domain
