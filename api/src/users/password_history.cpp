#include "users/password_history.hpp"

#include "idledger/domain/password_hash.hpp"

namespace idledger::api {

domain::Result<void> check_password_reuse(App& app, const domain::User& user,
                                          const domain::Secret& next, bool strict) {
    const auto& policy = app.config.password_policy;
    if (strict && policy.min_age_minutes > 0 && user.password_changed &&
        app.clock.now_ms() - *user.password_changed < int64_t(policy.min_age_minutes) * 60'000)
        return domain::fail(domain::ErrorCode::CredentialsUpdateFailed, {},
                            {{"password: Password has been changed too recently"}});
    if (user.password && domain::verify_password(next, *user.password))
        return domain::fail(domain::ErrorCode::CredentialsUpdateFailed, {},
                            {{"password: Password cannot be your current password"}});
    int checked = 0;
    for (const auto& h : user.password_history) {
        if (checked++ >= policy.history_count) break;
        domain::StoredPassword s;
        s.algorithm = "ARGON2ID";
        s.value = h;
        if (domain::verify_password(next, s))
            return domain::fail(domain::ErrorCode::CredentialsUpdateFailed, {},
                                {{"password: Password has been used too recently"}});
    }
    return {};
}

}  // namespace idledger::api
