#pragma once
// Password credentials at rest: argon2id for passwords set through the API, and verification of
// imported hashes by their own algorithm (BCRYPT, SHA-512/256/1, MD5, PBKDF2).

#include <cstdint>
#include <optional>
#include <string>

#include "idledger/domain/error.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/secret.hpp"

namespace idledger::domain {

/// What a user's password credential is stored as. `algorithm` is ARGON2ID for our own hashes.
struct StoredPassword {
    std::string algorithm;    // ARGON2ID | BCRYPT | SHA-512 | SHA-256 | SHA-1 | MD5 | PBKDF2 | HOOK
    std::string value;        // argon2 encoded string, or the imported digest (base64/radix-64)
    std::string salt;         // imported hashes
    std::string salt_order;   // PREFIX | POSTFIX
    int work_factor = 0;      // BCRYPT
    int iteration_count = 0;  // PBKDF2
    int key_size = 0;         // PBKDF2 bytes
    std::string digest_algorithm;  // PBKDF2: SHA256_HMAC | SHA512_HMAC

    Json to_json() const;
    static std::optional<StoredPassword> from_json(const Json& j);
    bool operator==(const StoredPassword&) const = default;
};

struct Argon2Params {
    // OWASP's minimum recommendation: m = 19 MiB, t = 2, p = 1.
    uint64_t memory_bytes = 19ull * 1024 * 1024;
    uint64_t iterations = 2;
};

/// Hashes with argon2id (libsodium). CPU- and memory-heavy: call off the writer thread.
std::string argon2id_hash(const Secret& password, const Argon2Params& params);

/// Checks a clear password against a stored credential of any supported algorithm.
bool verify_password(const Secret& password, const StoredPassword& stored);

/// Validates an import request's `credentials.password.hash` object into a StoredPassword.
Result<StoredPassword> parse_password_import(const Json& hash);

/// Standard base64 (RFC 4648 with padding).
std::string base64_encode(std::string_view bin);

/// SHA-256 of a token, hex: API tokens and one-time tokens are stored only this way.
std::string token_digest(const std::string& token);

}  // namespace idledger::domain
