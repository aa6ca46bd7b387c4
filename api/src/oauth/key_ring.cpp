#include "oauth/key_ring.hpp"

#include "core/json_io.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api::oauth {

namespace {

constexpr std::string_view kSecretName = "oauth-signing-keys";
constexpr size_t kPublished = 2;  // the active key and the one it replaced

std::string encode(const std::vector<SigningKey>& keys) {
    domain::Json arr = domain::Json::array();
    for (const auto& k : keys) {
        domain::Json j = domain::Json::object();
        j.set("kid", k.kid);
        j.set("created", k.created);
        j.set("lastUpdated", k.last_updated);
        j.set("status", k.status);
        j.set("pem", k.key.private_pem());
        arr.push(std::move(j));
    }
    return arr.dump();
}

std::optional<std::vector<SigningKey>> decode(std::string_view text) {
    auto parsed = domain::parse_json(text);
    if (!parsed || !parsed->is_array()) return std::nullopt;
    std::vector<SigningKey> out;
    for (const auto& j : parsed->as_array()) {
        auto key = domain::RsaKey::from_pem(j.string_at("pem"));
        if (!key) return std::nullopt;
        SigningKey k{j.string_at("kid"), 0, 0, j.string_at("status"), std::move(*key)};
        if (const auto* c = j.find("created"); c && c->is_int()) k.created = c->as_int();
        if (const auto* c = j.find("lastUpdated"); c && c->is_int()) k.last_updated = c->as_int();
        out.push_back(std::move(k));
    }
    if (out.empty()) return std::nullopt;
    return out;
}

SigningKey fresh_key(App& app) {
    const domain::Millis now = app.clock.now_ms();
    return SigningKey{domain::random_base62(43), now, now, "ACTIVE", domain::RsaKey::generate()};
}

/// Stores the ring `change` makes of the stored one (read and written in one transaction, so two
/// rotations never lose a key).
domain::Result<std::vector<SigningKey>> update(
    App& app, const std::function<std::vector<SigningKey>(std::vector<SigningKey>)>& change) {
    std::vector<SigningKey> result;
    bool corrupt = false;
    auto fut = app.store.submit([&](eventstore::Transaction& tx) {
        auto stored = tx.get(projections::cf::kServerSecrets, kSecretName);
        std::vector<SigningKey> keys;
        if (stored && *stored) {
            auto decoded = decode(**stored);
            if (!decoded) {
                corrupt = true;
                return eventstore::Outcome::Abort;
            }
            keys = std::move(*decoded);
        }
        result = change(std::move(keys));
        tx.put(projections::cf::kServerSecrets, kSecretName, encode(result));
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(store_failure(done.error()));
    if (corrupt)
        return domain::fail(domain::ErrorCode::InternalError,
                            "the stored signing keys are unreadable");
    return result;
}

}  // namespace

domain::Result<std::shared_ptr<KeyRing>> KeyRing::open(App& app) {
    auto ring = std::make_shared<KeyRing>();
    auto stored = app.store.get(projections::cf::kServerSecrets, kSecretName);
    if (!stored) return std::unexpected(store_failure(stored.error()));
    if (*stored) {
        auto decoded = decode(**stored);
        if (!decoded)
            return domain::fail(domain::ErrorCode::InternalError,
                                "the stored signing keys are unreadable");
        ring->keys_ = std::move(*decoded);
        return ring;
    }
    if (app.config.read_only) {
        // A point-in-time copy issues no tokens; a key of its own lets it answer /keys.
        ring->keys_.push_back(fresh_key(app));
        return ring;
    }
    auto made = update(app, [&](std::vector<SigningKey> keys) {
        if (keys.empty()) keys.push_back(fresh_key(app));
        return keys;
    });
    if (!made) return std::unexpected(made.error());
    ring->keys_ = std::move(*made);
    return ring;
}

std::vector<SigningKey> KeyRing::keys() const {
    std::lock_guard lock(mu_);
    return keys_;
}

SigningKey KeyRing::active() const {
    std::lock_guard lock(mu_);
    return keys_.front();
}

std::optional<domain::RsaKey> KeyRing::find(std::string_view kid) const {
    std::lock_guard lock(mu_);
    for (const auto& k : keys_)
        if (k.kid == kid) return k.key;
    return std::nullopt;
}

domain::Result<SigningKey> KeyRing::rotate(App& app) {
    auto made = update(app, [&](std::vector<SigningKey> keys) {
        const domain::Millis now = app.clock.now_ms();
        for (auto& k : keys) {
            k.status = "INACTIVE";
            k.last_updated = now;
        }
        keys.insert(keys.begin(), fresh_key(app));
        if (keys.size() > kPublished) keys.resize(kPublished);
        return keys;
    });
    if (!made) return std::unexpected(made.error());
    std::lock_guard lock(mu_);
    keys_ = std::move(*made);
    return keys_.front();
}

KeyRing& key_ring(App& app) {
    std::call_once(app.oauth_keys_once, [&] {
        auto ring = KeyRing::open(app);
        if (!ring) throw std::runtime_error("signing keys: " + ring.error().detail);
        app.oauth_keys = std::move(*ring);
    });
    return *app.oauth_keys;
}

domain::Json jwk(const SigningKey& k) { return k.key.public_jwk(k.kid); }

}  // namespace idledger::api::oauth
