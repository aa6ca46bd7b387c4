// Password hashing (argon2id) and verification of imported hashes.

#include "idledger/domain/password_hash.hpp"

#include <crypt.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>

#include "idledger/domain/ids.hpp"

namespace idledger::domain {
namespace {

std::optional<std::string> base64_decode(const std::string& in) {
    std::string out(in.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                          in.size(), "\n\r ", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    out.resize(len);
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bin) {
    std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                      bin.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

namespace {

const EVP_MD* digest_for(std::string_view algorithm) {
    if (algorithm == "SHA-512") return EVP_sha512();
    if (algorithm == "SHA-256") return EVP_sha256();
    if (algorithm == "SHA-1") return EVP_sha1();
    if (algorithm == "MD5") return EVP_md5();
    return nullptr;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool verify_digest(const Secret& pw, const StoredPassword& s) {
    const EVP_MD* md = digest_for(s.algorithm);
    auto expected = base64_decode(s.value);
    if (!md || !expected) return false;
    std::string input;
    std::optional<std::string> salt =
        s.salt.empty() ? std::optional<std::string>("") : base64_decode(s.salt);
    if (!salt) salt = s.salt;  // some exporters hand over a raw salt string
    input = s.salt_order == "POSTFIX" ? pw.reveal() + *salt : *salt + pw.reveal();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), out, &len, md, nullptr) != 1) return false;
    return constant_time_equal(std::string_view(reinterpret_cast<char*>(out), len), *expected);
}

bool verify_bcrypt(const Secret& pw, const StoredPassword& s) {
    char setting[64];
    std::snprintf(setting, sizeof setting, "$2b$%02d$%s", s.work_factor, s.salt.c_str());
    crypt_data data;
    std::memset(&data, 0, sizeof data);
    const char* out = crypt_r(pw.reveal().c_str(), setting, &data);
    if (!out || out[0] == '*') return false;
    std::string expected = std::string(setting) + s.value;
    return constant_time_equal(out, expected);
}

bool verify_pbkdf2(const Secret& pw, const StoredPassword& s) {
    const EVP_MD* md = s.digest_algorithm == "SHA512_HMAC"   ? EVP_sha512()
                       : s.digest_algorithm == "SHA256_HMAC" ? EVP_sha256()
                                                             : nullptr;
    auto salt = base64_decode(s.salt);
    auto expected = base64_decode(s.value);
    if (!md || !salt || !expected || s.key_size <= 0 || s.key_size > 1024) return false;
    std::string out(size_t(s.key_size), '\0');
    if (PKCS5_PBKDF2_HMAC(pw.reveal().data(), int(pw.reveal().size()),
                          reinterpret_cast<const unsigned char*>(salt->data()), int(salt->size()),
                          s.iteration_count, md, s.key_size,
                          reinterpret_cast<unsigned char*>(out.data())) != 1)
        return false;
    return constant_time_equal(out, *expected);
}

int int_or_zero(const Json& j, std::string_view k) {
    const Json* v = j.find(k);
    return v && v->is_number() ? int(v->as_double()) : 0;
}

}  // namespace

Json StoredPassword::to_json() const {
    Json j = Json::object();
    j.set("algorithm", algorithm);
    j.set("value", value);
    if (!salt.empty()) j.set("salt", salt);
    if (!salt_order.empty()) j.set("saltOrder", salt_order);
    if (work_factor) j.set("workFactor", work_factor);
    if (iteration_count) j.set("iterationCount", iteration_count);
    if (key_size) j.set("keySize", key_size);
    if (!digest_algorithm.empty()) j.set("digestAlgorithm", digest_algorithm);
    return j;
}

std::optional<StoredPassword> StoredPassword::from_json(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    StoredPassword s;
    s.algorithm = j.string_at("algorithm");
    s.value = j.string_at("value");
    s.salt = j.string_at("salt");
    s.salt_order = j.string_at("saltOrder");
    s.work_factor = int_or_zero(j, "workFactor");
    s.iteration_count = int_or_zero(j, "iterationCount");
    s.key_size = int_or_zero(j, "keySize");
    s.digest_algorithm = j.string_at("digestAlgorithm");
    return s;
}

std::string argon2id_hash(const Secret& password, const Argon2Params& params) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.reveal().data(), password.reveal().size(),
                              params.iterations, params.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("argon2id: out of memory");
    return out;
}

bool verify_password(const Secret& password, const StoredPassword& s) {
    ensure_sodium();
    if (s.algorithm == "ARGON2ID")
        return crypto_pwhash_str_verify(s.value.c_str(), password.reveal().data(),
                                        password.reveal().size()) == 0;
    if (s.algorithm == "BCRYPT") return verify_bcrypt(password, s);
    if (s.algorithm == "PBKDF2") return verify_pbkdf2(password, s);
    if (digest_for(s.algorithm)) return verify_digest(password, s);
    return false;  // HOOK: verified by the inline hook at first sign-in
}

Result<StoredPassword> parse_password_import(const Json& hash) {
    if (!hash.is_object()) return fail(ErrorCode::MalformedBody);
    StoredPassword s;
    s.algorithm = hash.string_at("algorithm");
    s.value = hash.string_at("value");
    s.salt = hash.string_at("salt");
    s.salt_order = hash.string_at("saltOrder");
    s.work_factor = int_or_zero(hash, "workFactor");
    s.iteration_count = int_or_zero(hash, "iterationCount");
    s.key_size = int_or_zero(hash, "keySize");
    s.digest_algorithm = hash.string_at("digestAlgorithm");
    if (s.value.empty()) return validation("password", "The hash value cannot be left blank");
    if (s.algorithm == "BCRYPT") {
        if (s.work_factor < 1 || s.work_factor > 20)
            return validation("password", "workFactor must be between 1 and 20");
        if (s.salt.size() != 22) return validation("password", "salt must be 22 characters");
        return s;
    }
    if (s.algorithm == "PBKDF2") {
        if (s.iteration_count < 4096)
            return validation("password", "iterationCount must be at least 4096");
        if (s.key_size <= 0) return validation("password", "keySize must be positive");
        if (s.digest_algorithm != "SHA256_HMAC" && s.digest_algorithm != "SHA512_HMAC")
            return validation("password", "digestAlgorithm must be SHA256_HMAC or SHA512_HMAC");
        if (s.salt.empty()) return validation("password", "salt cannot be left blank");
        return s;
    }
    if (digest_for(s.algorithm)) {
        if (!s.salt.empty() && s.salt_order != "PREFIX" && s.salt_order != "POSTFIX")
            return validation("password", "saltOrder must be PREFIX or POSTFIX");
        if (!base64_decode(s.value)) return validation("password", "value must be base64");
        return s;
    }
    if (s.algorithm.empty()) return validation("password", "algorithm cannot be left blank");
    return fail(ErrorCode::MalformedBody);  // unknown enum value, as Okta answers
}

std::string token_digest(const std::string& token) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(sizeof out * 2);
    for (unsigned char c : out) {
        hex.push_back(kHex[c >> 4]);
        hex.push_back(kHex[c & 15]);
    }
    return hex;
}

}  // namespace idledger::domain
