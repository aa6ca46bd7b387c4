#pragma once
// One-time tokens (activation, password reset): the clear value goes to the caller once; events
// keep only its digest.

#include <string>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"

namespace idledger::api {

inline constexpr domain::Millis kActivationTokenTtl = 7LL * 24 * 3600 * 1000;
inline constexpr domain::Millis kResetTokenTtl = 3600LL * 1000;

struct OneTimeToken {
    std::string value;
    std::string digest;
};

inline OneTimeToken new_one_time_token() {
    OneTimeToken t;
    t.value = domain::random_base62(20);
    t.digest = domain::token_digest(t.value);
    return t;
}

}  // namespace idledger::api
