#include "idledger/domain/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "idledger/domain/json_parse.hpp"

namespace idledger::domain {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

EVP_PKEY* raw(const std::shared_ptr<void>& p) { return static_cast<EVP_PKEY*>(p.get()); }

std::shared_ptr<void> own(EVP_PKEY* k) {
    if (!k) throw std::runtime_error("OpenSSL: no RSA key");
    return std::shared_ptr<void>(k, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

std::string bn_param(EVP_PKEY* k, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &bn) != 1 || !bn) return {};
    std::string out(size_t(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}

}  // namespace

std::string base64url(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(acc >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const size_t v = kAlphabet.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    if (bits >= 6) return std::nullopt;  // one dangling character is no encoding of bytes
    return out;
}

std::string sha256(std::string_view bytes) {
    std::string out(32, '\0');
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
               EVP_sha256(), nullptr);
    return out;
}

RsaKey RsaKey::generate() {
    RsaKey k;
    k.pkey_ = own(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    // Key generation leaves per-thread state (its random generator, its error queue) on
    // whichever thread ran it, often the store's writer: released now rather than at a thread
    // exit OpenSSL may never see. It is made again if this thread needs it.
    OPENSSL_thread_stop();
    return k;
}

std::optional<RsaKey> RsaKey::from_pem(std::string_view pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
    if (!bio) return std::nullopt;
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!k) return std::nullopt;
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
        EVP_PKEY_free(k);
        return std::nullopt;
    }
    RsaKey out;
    out.pkey_ = own(k);
    return out;
}

std::string RsaKey::private_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, raw(pkey_), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, size_t(n));
    BIO_free(bio);
    return out;
}

Json RsaKey::public_jwk(std::string_view kid) const {
    Json j = Json::object();
    j.set("kty", "RSA");
    j.set("alg", "RS256");
    j.set("kid", kid);
    j.set("use", "sig");
    j.set("e", base64url(bn_param(raw(pkey_), OSSL_PKEY_PARAM_RSA_E)));
    j.set("n", base64url(bn_param(raw(pkey_), OSSL_PKEY_PARAM_RSA_N)));
    return j;
}

std::string RsaKey::sign_rs256(std::string_view input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::string sig;
    size_t len = 0;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, raw(pkey_)) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1) {
        sig.resize(len);
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1)
            sig.resize(len);
        else
            sig.clear();
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty()) throw std::runtime_error("OpenSSL: RS256 signing failed");
    return sig;
}

bool RsaKey::verify_rs256(std::string_view input, std::string_view signature) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, raw(pkey_)) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string jwt_sign(const RsaKey& key, std::string_view kid, const Json& claims) {
    Json header = Json::object();
    header.set("kid", kid);
    header.set("alg", "RS256");
    std::string input = base64url(header.dump()) + "." + base64url(claims.dump());
    const std::string sig = key.sign_rs256(input);
    input += ".";
    input += base64url(sig);
    return input;
}

std::optional<JwtParts> jwt_split(std::string_view token) {
    const size_t a = token.find('.');
    if (a == std::string_view::npos) return std::nullopt;
    const size_t b = token.find('.', a + 1);
    if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
        return std::nullopt;
    auto header = base64url_decode(token.substr(0, a));
    auto claims = base64url_decode(token.substr(a + 1, b - a - 1));
    auto sig = base64url_decode(token.substr(b + 1));
    if (!header || !claims || !sig) return std::nullopt;
    auto h = parse_json(*header);
    auto c = parse_json(*claims);
    if (!h || !c || !h->is_object() || !c->is_object()) return std::nullopt;
    JwtParts p;
    p.header = std::move(*h);
    p.claims = std::move(*c);
    p.signing_input = std::string(token.substr(0, b));
    p.signature = std::move(*sig);
    return p;
}

}  // namespace idledger::domain
