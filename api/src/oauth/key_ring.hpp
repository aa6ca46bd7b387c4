#pragma once
// The authorization servers' signing keys. One ring serves the org server and `default`: the
// ACTIVE key signs, the key it replaced stays published (INACTIVE) so tokens signed before a
// rotation verify until they expire; a second rotation retires it. The ring is kept in
// server_secrets (never in the event log) as PKCS#8 PEM.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/app.hpp"
#include "idledger/domain/error.hpp"
#include "idledger/domain/jwt.hpp"

namespace idledger::api::oauth {

struct SigningKey {
    std::string kid;
    domain::Millis created = 0;
    domain::Millis last_updated = 0;
    std::string status;  // ACTIVE (signs) or INACTIVE (verifies only)
    domain::RsaKey key;
};

class KeyRing {
  public:
    /// The ring as stored, or a first key made (and stored, unless the server is read-only).
    static domain::Result<std::shared_ptr<KeyRing>> open(App& app);

    /// The active key first.
    std::vector<SigningKey> keys() const;
    SigningKey active() const;
    std::optional<domain::RsaKey> find(std::string_view kid) const;
    /// A new active key; the old one stays published until the next rotation.
    domain::Result<SigningKey> rotate(App& app);

  private:
    mutable std::mutex mu_;
    std::vector<SigningKey> keys_;
};

/// The ring of `app` (opened on first use).
KeyRing& key_ring(App& app);

/// A key's JWK as the JWKS endpoint publishes it.
domain::Json jwk(const SigningKey& k);

}  // namespace idledger::api::oauth
