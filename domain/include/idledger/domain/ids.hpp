#pragma once
// Okta-shaped identifiers: a 3-character type prefix and 17 base62 characters from a CSPRNG.

#include <optional>
#include <string>
#include <string_view>

namespace idledger::domain {

namespace id_prefix {
inline constexpr std::string_view kUser = "00u";
inline constexpr std::string_view kApiToken = "00T";
inline constexpr std::string_view kGroup = "00g";
inline constexpr std::string_view kUserType = "oty";
inline constexpr std::string_view kRoleAssignment = "ra1";
inline constexpr std::string_view kErrorId = "oae";
inline constexpr std::string_view kRequestId = "req";
inline constexpr std::string_view kLifecycleRequest = "lrq";
}  // namespace id_prefix

class IdSource {
  public:
    virtual ~IdSource() = default;
    /// A fresh id `prefix` + `length` base62 characters. Thread-safe.
    virtual std::string next(std::string_view prefix, size_t length = 17) = 0;
};

/// libsodium's CSPRNG.
class RandomIdSource final : public IdSource {
  public:
    std::string next(std::string_view prefix, size_t length = 17) override;
};

/// Initialises libsodium once (with its user-space CSPRNG). Every crypto entry point calls it.
void ensure_sodium();

/// Lower-case hexadecimal of `bytes`, and back (nullopt for anything but an even number of hex
/// digits).
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view text);

/// `length` random base62 characters (tokens, secrets).
std::string random_base62(size_t length);

/// A token derived from `key` and `context` (keyed BLAKE2b, base62): the same inputs always give
/// the same token, and without the key nobody can compute it. One-time links sent by e-mail are
/// derived from their request id, so the outbox can recompose the e-mail after a crash while
/// events keep only the token's digest.
std::string derived_token(std::string_view key, std::string_view context, size_t length = 20);

/// The org's fixed ids (same on every start: derived from nothing but constants).
inline constexpr std::string_view kDefaultUserTypeId = "otyidledgerdefault01";
inline constexpr std::string_view kEveryoneGroupId = "00gidledgereveryone1";

}  // namespace idledger::domain
