// The Users API's endpoints, for the route table.

#include "users/handlers.hpp"

namespace idledger::api::users {

std::vector<Route> routes() {
    using enum Perm;
    using enum Exec;
    return {
        {"POST", "/api/v1/users", "User_createUser", "users", UsersManage, Async, nullptr,
         create_async},
        {"GET", "/api/v1/users", "User_listUsers", "users", UsersRead, Query, list},
        {"GET", "/api/v1/users/{userId}", "User_getUser", "user", Authenticated, Inline, get},
        {"POST", "/api/v1/users/{userId}", "User_updateUser", "user", UsersManage, Blocking,
         update_partial},
        {"PUT", "/api/v1/users/{userId}", "User_replaceUser", "user", UsersManage, Blocking,
         replace},
        {"DELETE", "/api/v1/users/{userId}", "User_deleteUser", "user", UsersManage, Blocking,
         remove},

        {"POST", "/api/v1/users/{userId}/lifecycle/activate", "UserLifecycle_activateUser", "user",
         UsersManage, Blocking, activate},
        {"POST", "/api/v1/users/{userId}/lifecycle/reactivate", "UserLifecycle_reactivateUser",
         "user", UsersManage, Blocking, reactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/deactivate", "UserLifecycle_deactivateUser",
         "user", UsersManage, Blocking, deactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/suspend", "UserLifecycle_suspendUser", "user",
         UsersManage, Blocking, suspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unsuspend", "UserLifecycle_unsuspendUser",
         "user", UsersManage, Blocking, unsuspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unlock", "UserLifecycle_unlockUser", "user",
         UsersManage, Blocking, unlock},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_password", "UserCred_resetPassword",
         "user", UsersManage, Blocking, reset_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password", "UserCred_expirePassword",
         "user", UsersManage, Blocking, expire_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password_with_temp_password",
         "UserCred_expirePasswordWithTempPassword", "user", UsersManage, Blocking,
         expire_password_with_temp},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_factors", "UserLifecycle_resetFactors",
         "user", UsersManage, Blocking, reset_factors},

        {"POST", "/api/v1/users/{userId}/credentials/change_password", "UserCred_changePassword",
         "user", UsersManage, Blocking, change_password},
        {"POST", "/api/v1/users/{userId}/credentials/change_recovery_question",
         "UserCred_changeRecoveryQuestion", "user", UsersManage, Blocking,
         change_recovery_question},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password", "UserCred_forgotPassword",
         "user", UsersManage, Blocking, forgot_password},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password_recovery_question",
         "UserCred_forgotPasswordSetNewPassword", "user", UsersManage, Blocking,
         forgot_password_recovery_question},

        {"GET", "/api/v1/users/{userId}/history", "idledger_userHistory", "user", UsersRead,
         Blocking, history},
    };
}

}  // namespace idledger::api::users
