#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <sstream>

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/password_hash.hpp"

using namespace idledger::domain;

namespace {
const Argon2Params kFast{8 * 1024 * 1024, 1};

std::string digest(const EVP_MD* md, const std::string& in) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(in.data(), in.size(), out, &len, md, nullptr);
    return std::string(reinterpret_cast<char*>(out), len);
}
}  // namespace

TEST(Argon2id, HashesAreSaltedAndVerify) {
    Secret pw("Correct-Horse-9");
    StoredPassword a, b;
    a.algorithm = b.algorithm = "ARGON2ID";
    a.value = argon2id_hash(pw, kFast);
    b.value = argon2id_hash(pw, kFast);
    EXPECT_NE(a.value, b.value);
    EXPECT_TRUE(a.value.starts_with("$argon2id$"));
    EXPECT_TRUE(verify_password(pw, a));
    EXPECT_FALSE(verify_password(Secret("wrong"), a));
}

TEST(ImportedHashes, Sha256SaltedPrefixAndPostfix) {
    const std::string salt = "NaCl";
    for (std::string order : {"PREFIX", "POSTFIX"}) {
        std::string input = order == "PREFIX" ? salt + "hunter2" : "hunter2" + salt;
        Json h = Json::object();
        h.set("algorithm", "SHA-256");
        h.set("salt", base64_encode(salt));
        h.set("saltOrder", order);
        h.set("value", base64_encode(digest(EVP_sha256(), input)));
        auto stored = parse_password_import(h);
        ASSERT_TRUE(stored) << order;
        EXPECT_TRUE(verify_password(Secret("hunter2"), *stored)) << order;
        EXPECT_FALSE(verify_password(Secret("hunter3"), *stored)) << order;
    }
}

TEST(ImportedHashes, UnsaltedSha1AndMd5) {
    for (auto [name, md] : {std::pair{"SHA-1", EVP_sha1()}, std::pair{"MD5", EVP_md5()},
                            std::pair{"SHA-512", EVP_sha512()}}) {
        Json h = Json::object();
        h.set("algorithm", name);
        h.set("value", base64_encode(digest(md, "pw")));
        auto stored = parse_password_import(h);
        ASSERT_TRUE(stored) << name;
        EXPECT_TRUE(verify_password(Secret("pw"), *stored)) << name;
    }
}

TEST(ImportedHashes, Bcrypt) {
    // Produce a real bcrypt hash with the system's crypt_r, then import it the way Okta takes it:
    // workFactor, the 22-character salt and the 31-character hash separately.
    crypt_data data{};
    const char* full = crypt_r("password", "$2b$04$abcdefghijklmnopqrstuu", &data);
    ASSERT_NE(full, nullptr);
    std::string s(full);
    ASSERT_EQ(s.size(), 60u);
    Json h = Json::object();
    h.set("algorithm", "BCRYPT");
    h.set("workFactor", 4);
    h.set("salt", s.substr(7, 22));
    h.set("value", s.substr(29));
    auto stored = parse_password_import(h);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(verify_password(Secret("password"), *stored));
    EXPECT_FALSE(verify_password(Secret("not-the-password"), *stored));
}

TEST(ImportedHashes, Pbkdf2) {
    const std::string salt = "saltsaltsaltsalt";
    unsigned char out[32];
    PKCS5_PBKDF2_HMAC("secret", 6, reinterpret_cast<const unsigned char*>(salt.data()),
                      int(salt.size()), 4096, EVP_sha256(), 32, out);
    Json h = Json::object();
    h.set("algorithm", "PBKDF2");
    h.set("salt", base64_encode(salt));
    h.set("value", base64_encode(std::string(reinterpret_cast<char*>(out), 32)));
    h.set("iterationCount", 4096);
    h.set("keySize", 32);
    h.set("digestAlgorithm", "SHA256_HMAC");
    auto stored = parse_password_import(h);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(verify_password(Secret("secret"), *stored));
    EXPECT_FALSE(verify_password(Secret("Secret"), *stored));
}

TEST(ImportedHashes, RejectsBadImports) {
    Json h = Json::object();
    h.set("algorithm", "ROT13");
    h.set("value", "x");
    EXPECT_EQ(parse_password_import(h).error().code, ErrorCode::MalformedBody);
    Json b = Json::object();
    b.set("algorithm", "BCRYPT");
    b.set("value", "x");
    b.set("workFactor", 50);
    EXPECT_EQ(parse_password_import(b).error().code, ErrorCode::ValidationFailed);
}

TEST(DataKeys, SealedDataOpensOnlyWithItsKeyAndStream) {
    auto key = new_data_key();
    auto sealed = seal(key, "isaac@example.com", "user-00u1");
    EXPECT_EQ(sealed.find("isaac"), std::string::npos);
    EXPECT_EQ(open_sealed(key, sealed, "user-00u1"), "isaac@example.com");
    EXPECT_FALSE(open_sealed(new_data_key(), sealed, "user-00u1"));
    EXPECT_FALSE(open_sealed(key, sealed, "user-00u2"));
}

TEST(Secret, NeverPrintsItsValue) {
    std::ostringstream os;
    os << Secret("hunter2");
    EXPECT_EQ(os.str(), "***");
}
