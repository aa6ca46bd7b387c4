#pragma once
// Signed JSON Web Tokens (RFC 7519) with RS256, the only algorithm the authorization server
// issues and accepts. Keys are RSA-2048 (OpenSSL); a key travels as PKCS#8 PEM and is published
// as a JWK (its modulus and exponent in base64url).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "idledger/domain/json.hpp"

namespace idledger::domain {

/// base64url without padding (RFC 7515 §2).
std::string base64url(std::string_view bytes);
/// nullopt on a character outside the base64url alphabet.
std::optional<std::string> base64url_decode(std::string_view text);
/// SHA-256 of `bytes` (raw, 32 bytes).
std::string sha256(std::string_view bytes);

/// An RSA key pair. Copies share the key (it is never changed after creation).
class RsaKey {
  public:
    /// A fresh 2048-bit key.
    static RsaKey generate();
    /// nullopt when `pem` is not an RSA private key.
    static std::optional<RsaKey> from_pem(std::string_view pem);

    std::string private_pem() const;
    /// The public half as a JWK: {kty, alg, use, kid, n, e}.
    Json public_jwk(std::string_view kid) const;
    std::string sign_rs256(std::string_view input) const;
    bool verify_rs256(std::string_view input, std::string_view signature) const;

  private:
    std::shared_ptr<void> pkey_;  // EVP_PKEY
};

/// header.claims.signature with {"alg":"RS256","kid":kid}.
std::string jwt_sign(const RsaKey& key, std::string_view kid, const Json& claims);

/// A token split into its parts; nothing verified yet.
struct JwtParts {
    Json header;
    Json claims;
    std::string signing_input;  // header.claims as received
    std::string signature;      // raw bytes
};
std::optional<JwtParts> jwt_split(std::string_view token);

}  // namespace idledger::domain
