// Ids, secrets and data keys on libsodium.

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/secret.hpp"

namespace idledger::domain {
namespace {
struct SodiumInit {
    SodiumInit() {
        // libsodium's user-space ChaCha20 generator, seeded from the kernel: the default one makes
        // a getrandom() system call per call, which cost ~12% of a request's CPU in profiles.
        randombytes_set_implementation(&randombytes_internal_implementation);
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    }
};
}  // namespace

void ensure_sodium() { static SodiumInit once; }

namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
}  // namespace

Secret::~Secret() {
    if (!value_.empty()) sodium_memzero(value_.data(), value_.size());
}

std::string random_base62(size_t length) {
    ensure_sodium();
    // One call for a buffer of random bytes, not one per character; a byte of 248 or more is
    // skipped (248 = 4 x 62), so every character stays uniform.
    std::string out(length, '0');
    unsigned char pool[64];
    size_t used = sizeof pool;
    for (auto& c : out) {
        for (;;) {
            if (used == sizeof pool) {
                randombytes_buf(pool, sizeof pool);
                used = 0;
            }
            const unsigned char b = pool[used++];
            if (b < 248) {
                c = kBase62[b % 62];
                break;
            }
        }
    }
    sodium_memzero(pool, sizeof pool);
    return out;
}

std::string to_hex(std::string_view bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                   bytes.size());
    out.pop_back();
    return out;
}

std::optional<std::string> from_hex(std::string_view text) {
    if (text.size() % 2) return std::nullopt;
    std::string out(text.size() / 2, '\0');
    size_t written = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                       text.size(), nullptr, &written, &end) != 0 ||
        written != out.size() || end != text.data() + text.size())
        return std::nullopt;
    return out;
}

std::string derived_token(std::string_view key, std::string_view context, size_t length) {
    ensure_sodium();
    std::string out;
    out.reserve(length);
    // Each character from its own keyed BLAKE2b block: uniform enough over 62 symbols
    // (one byte out of 8 taken mod 62 of a 64-bit value).
    for (uint32_t block = 0; out.size() < length; ++block) {
        unsigned char mac[32];
        std::string msg(context);
        msg.append(reinterpret_cast<const char*>(&block), sizeof block);
        crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(msg.data()),
                           msg.size(), reinterpret_cast<const unsigned char*>(key.data()),
                           std::min<size_t>(key.size(), crypto_generichash_KEYBYTES_MAX));
        for (size_t i = 0; i + 8 <= sizeof mac && out.size() < length; i += 8) {
            uint64_t v = 0;
            for (size_t b = 0; b < 8; ++b) v = (v << 8) | mac[i + b];
            out.push_back(kBase62[v % 62]);
        }
    }
    return out;
}

std::string RandomIdSource::next(std::string_view prefix, size_t length) {
    std::string id(prefix);
    id += random_base62(length);
    return id;
}

std::string new_data_key() {
    ensure_sodium();
    std::string key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0');
    crypto_aead_xchacha20poly1305_ietf_keygen(reinterpret_cast<unsigned char*>(key.data()));
    return key;
}

std::string seal(std::string_view key, std::string_view plaintext, std::string_view associated) {
    ensure_sodium();
    if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
        throw std::logic_error("bad data key size");
    constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    std::string out(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(o, kNonce);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        o + kNonce, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
        plaintext.size(), reinterpret_cast<const unsigned char*>(associated.data()),
        associated.size(), nullptr, o, reinterpret_cast<const unsigned char*>(key.data()));
    out.resize(kNonce + clen);
    return out;
}

std::optional<std::string> open_sealed(std::string_view key, std::string_view sealed,
                                       std::string_view associated) {
    ensure_sodium();
    constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
        sealed.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return std::nullopt;
    std::string out(sealed.size() - kNonce, '\0');
    unsigned long long mlen = 0;
    const auto* s = reinterpret_cast<const unsigned char*>(sealed.data());
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, s + kNonce,
            sealed.size() - kNonce, reinterpret_cast<const unsigned char*>(associated.data()),
            associated.size(), s, reinterpret_cast<const unsigned char*>(key.data())) != 0)
        return std::nullopt;
    out.resize(mlen);
    return out;
}

}  // namespace idledger::domain
