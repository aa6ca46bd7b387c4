#pragma once
// Per-subject data keys for crypto-shredding: personal data in event payloads is sealed with the
// subject's key (XChaCha20-Poly1305); destroying the key makes those payloads unreadable forever
// while the log itself stays append-only.

#include <optional>
#include <string>
#include <string_view>

namespace idledger::domain {

/// A fresh 32-byte key.
std::string new_data_key();
/// nonce || ciphertext. `associated` (e.g. the stream id) is authenticated, not encrypted.
std::string seal(std::string_view key, std::string_view plaintext, std::string_view associated);
/// nullopt if the key is wrong or the bytes were altered.
std::optional<std::string> open_sealed(std::string_view key, std::string_view sealed,
                                       std::string_view associated);

}  // namespace idledger::domain
