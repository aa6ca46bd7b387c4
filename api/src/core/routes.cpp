// The route table: every endpoint the server answers, one line each.

#include "core/context.hpp"
#include "core/system_handlers.hpp"
#include "core/test_hooks.hpp"
#include "logs/system_log.hpp"
#include "tokens/api_tokens.hpp"
#include "users/handlers.hpp"

namespace idledger::api {

const std::vector<Route>& route_table() {
    using enum Perm;
    using enum Exec;
    static const std::vector<Route> kRoutes = {
        {"GET", "/healthz", "healthz", "other", Public, Inline, system::healthz},
        {"GET", "/readyz", "readyz", "other", Public, Inline, system::readyz},
        {"GET", "/metrics", "metrics", "other", Operations, Inline, system::metrics},
        {"POST", "/api/v1/_test/clock", "test_advanceClock", "other", SuperAdmin, Blocking,
         test_hooks::advance_clock},
        {"POST", "/api/v1/_test/kafka", "test_kafkaBroker", "other", SuperAdmin, Blocking,
         test_hooks::kafka_broker},

        {"POST", "/api/v1/users", "User_createUser", "users", UsersManage, Async, nullptr,
         users::create_async},
        {"GET", "/api/v1/users", "User_listUsers", "users", UsersRead, Blocking, users::list},
        {"GET", "/api/v1/users/{userId}", "User_getUser", "user", Authenticated, Inline,
         users::get},
        {"POST", "/api/v1/users/{userId}", "User_updateUser", "user", UsersManage, Blocking,
         users::update_partial},
        {"PUT", "/api/v1/users/{userId}", "User_replaceUser", "user", UsersManage, Blocking,
         users::replace},
        {"DELETE", "/api/v1/users/{userId}", "User_deleteUser", "user", UsersManage, Blocking,
         users::remove},

        {"POST", "/api/v1/users/{userId}/lifecycle/activate", "UserLifecycle_activateUser", "user",
         UsersManage, Blocking, users::activate},
        {"POST", "/api/v1/users/{userId}/lifecycle/reactivate", "UserLifecycle_reactivateUser",
         "user", UsersManage, Blocking, users::reactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/deactivate", "UserLifecycle_deactivateUser",
         "user", UsersManage, Blocking, users::deactivate},
        {"POST", "/api/v1/users/{userId}/lifecycle/suspend", "UserLifecycle_suspendUser", "user",
         UsersManage, Blocking, users::suspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unsuspend", "UserLifecycle_unsuspendUser",
         "user", UsersManage, Blocking, users::unsuspend},
        {"POST", "/api/v1/users/{userId}/lifecycle/unlock", "UserLifecycle_unlockUser", "user",
         UsersManage, Blocking, users::unlock},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_password", "UserCred_resetPassword",
         "user", UsersManage, Blocking, users::reset_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password", "UserCred_expirePassword",
         "user", UsersManage, Blocking, users::expire_password},
        {"POST", "/api/v1/users/{userId}/lifecycle/expire_password_with_temp_password",
         "UserCred_expirePasswordWithTempPassword", "user", UsersManage, Blocking,
         users::expire_password_with_temp},
        {"POST", "/api/v1/users/{userId}/lifecycle/reset_factors", "UserLifecycle_resetFactors",
         "user", UsersManage, Blocking, users::reset_factors},

        {"POST", "/api/v1/users/{userId}/credentials/change_password", "UserCred_changePassword",
         "user", UsersManage, Blocking, users::change_password},
        {"POST", "/api/v1/users/{userId}/credentials/change_recovery_question",
         "UserCred_changeRecoveryQuestion", "user", UsersManage, Blocking,
         users::change_recovery_question},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password", "UserCred_forgotPassword",
         "user", UsersManage, Blocking, users::forgot_password},
        {"POST", "/api/v1/users/{userId}/credentials/forgot_password_recovery_question",
         "UserCred_forgotPasswordSetNewPassword", "user", UsersManage, Blocking,
         users::forgot_password_recovery_question},

        {"GET", "/api/v1/users/{userId}/history", "idledger_userHistory", "user", UsersRead,
         Blocking, users::history},
        {"GET", "/api/v1/logs", "SystemLog_listLogEvents", "logs", UsersRead, Blocking, logs::list},

        {"GET", "/api/v1/api-tokens", "ApiToken_listApiTokens", "api-tokens", Authenticated, Inline,
         tokens::list},
        {"POST", "/api/v1/api-tokens", "ApiToken_createApiToken", "api-tokens", SuperAdmin,
         Blocking, tokens::create},
        {"GET", "/api/v1/api-tokens/{apiTokenId}", "ApiToken_getApiToken", "api-tokens",
         Authenticated, Inline, tokens::get},
        {"DELETE", "/api/v1/api-tokens/current", "ApiToken_revokeCurrentApiToken", "api-tokens",
         Authenticated, Blocking, tokens::revoke_current},
        {"DELETE", "/api/v1/api-tokens/{apiTokenId}", "ApiToken_revokeApiToken", "api-tokens",
         Authenticated, Blocking, tokens::revoke},
    };
    return kRoutes;
}

}  // namespace idledger::api

namespace idledger::api {

std::vector<std::string> App::route_labels() {
    std::vector<std::string> out;
    for (const auto& r : route_table()) out.emplace_back(r.operation_id);
    return out;
}

}  // namespace idledger::api
