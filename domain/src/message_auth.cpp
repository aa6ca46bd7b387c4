#include "idledger/domain/message_auth.hpp"

#include <sodium.h>

#include "idledger/domain/ids.hpp"

namespace idledger::domain {
namespace {

constexpr std::string_view kMember = "\"mac\":\"";
constexpr size_t kHexSize = 2 * crypto_auth_hmacsha256_BYTES;

std::string mac_hex(std::string_view body, std::string_view key) {
    ensure_sodium();
    unsigned char k[crypto_auth_hmacsha256_KEYBYTES] = {};
    // Keys are 32 random bytes; a shorter or longer one is hashed into place first.
    crypto_generichash(k, sizeof k, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                       nullptr, 0);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                           k);
    char hex[kHexSize + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return std::string(hex, kHexSize);
}

}  // namespace

std::string sign_json(std::string_view body, std::string_view key) {
    std::string out(body.substr(0, body.size() - 1));  // without the closing brace
    if (out.size() > 1) out.push_back(',');
    out += kMember;
    out += mac_hex(body, key);
    out += "\"}";
    return out;
}

std::optional<std::string> verify_json(std::string_view text, std::string_view key) {
    const size_t tail = kMember.size() + kHexSize + 2;
    if (key.empty() || text.size() < tail + 1 || !text.ends_with("\"}")) return std::nullopt;
    const size_t at = text.size() - tail;
    if (text.substr(at, kMember.size()) != kMember) return std::nullopt;
    const std::string_view given = text.substr(at + kMember.size(), kHexSize);
    std::string body(text.substr(0, at));
    if (body.ends_with(','))
        body.back() = '}';
    else if (body == "{")
        body.push_back('}');
    else
        return std::nullopt;
    const std::string expected = mac_hex(body, key);
    if (sodium_memcmp(expected.data(), given.data(), kHexSize) != 0) return std::nullopt;
    return body;
}

}  // namespace idledger::domain
