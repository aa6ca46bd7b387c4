// The Users API's endpoints, for the route table.

#include "users/handlers.hpp"

namespace idledger::api::users {

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"POST", "/api/v1/users", "User_createUser", "users", need("okta.users.create"), Async,
         nullptr, create_async},
        {"GET", "/api/v1/users", "User_listUsers", "users", need("okta.users.read"), Query, list},
        {"GET", "/api/v1/users/{userId}", "User_getUser", "user", self_or("okta.users.read"),
         Inline, get},
        {"POST", "/api/v1/users/{userId}", "User_updateUser", "user",
         need("okta.users.userprofile.manage"), Blocking, update_partial},
        {"PUT", "/api/v1/users/{userId}", "User_replaceUser", "user",
         need("okta.users.userprofile.manage"), Blocking, replace},
        {"DELETE", "/api/v1/users/{userId}", "User_deleteUser", "user",
         need("okta.users.lifecycle.delete"), Blocking, remove},

        {"POST", "/api/v1/users/{userId}/lifecycle/activate", "UserLifecycle_activateUser", "user",
         need("okta.users.lifecycle.activate"), Blocking, activate},
        {"POST", "/api/v1/users/{userId}/lifecycle/reactivate", "UserLifecycle_reactivateUser",
         "user", need("okta.users.lifecycle.activate"), Blocking, reactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/deactivate", "UserLifecycle_deactivateUser",
         "user", need("okta.users.lifecycle.deactivate"), Blocking, deactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/suspend", "UserLifecycle_suspendUser", "user",
         need("okta.users.lifecycle.suspend"), Blocking, suspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unsuspend", "UserLifecycle_unsuspendUser",
         "user", need("okta.users.lifecycle.unsuspend"), Blocking, unsuspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unlock", "UserLifecycle_unlockUser", "user",
         need("okta.users.lifecycle.unlock"), Blocking, unlock},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_password", "UserCred_resetPassword",
         "user", need("okta.users.credentials.resetPassword"), Blocking, reset_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password", "UserCred_expirePassword",
         "user", need("okta.users.credentials.expirePassword"), Blocking, expire_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password_with_temp_password",
         "UserCred_expirePasswordWithTempPassword", "user",
         need("okta.users.credentials.expirePassword"), Blocking, expire_password_with_temp},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_factors", "UserLifecycle_resetFactors",
         "user", need("okta.users.credentials.resetFactors"), Blocking, reset_factors},

        {"POST", "/api/v1/users/{userId}/credentials/change_password", "UserCred_changePassword",
         "user", self_or("okta.users.credentials.manage"), Blocking, change_password},
        {"POST", "/api/v1/users/{userId}/credentials/change_recovery_question",
         "UserCred_changeRecoveryQuestion", "user", self_or("okta.users.credentials.manage"),
         Blocking, change_recovery_question},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password", "UserCred_forgotPassword",
         "user", self_or("okta.users.credentials.manage"), Blocking, forgot_password},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password_recovery_question",
         "UserCred_forgotPasswordSetNewPassword", "user", self_or("okta.users.credentials.manage"),
         Blocking, forgot_password_recovery_question},

        {"GET", "/api/v1/users/{userId}/history", "idledger_userHistory", "user",
         need("okta.users.read"), Blocking, history},
    };
}

}  // namespace idledger::api::users
