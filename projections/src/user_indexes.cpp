// Secondary indexes of users for filter, search and q (cf::kUsersIndex). Every entry is
//
//   tag(1) + digest(16) + seq(8)  ->  user id
//
// tag 'e': equality of an attribute's case-folded value (status, type.id and every string
// attribute of the profile, base or custom); 'p': the first 2 or 4 characters of a case-folded
// string attribute of the profile, base or custom (for `sw` and `q`); 'h': the presence of a
// profile attribute other than login, email, firstName and lastName (for `pr`: those four are
// on nearly every user, so a scan of the plain listing answers them at once). Custom attributes
// are indexed on first use, not from the schema: an index never lags a schema change, and a user
// pays only for the attributes it holds. And one ordered entry per date a user
// has, "d" + letter + date(8) + seq(8) (kDateIndexes), for date ranges (a date is not personal
// data). Tag 't': the digest of an outstanding activation or recovery token (token_index). The
// digest
// is SHA-256 of the attribute name and the value, so no key holds personal data in clear (a
// shredded user leaves no readable name in index blocks or MANIFEST boundaries). Entries sort by
// creation order within a value, so every index scan pages in the same order as the plain listing.
// Answers are supersets (case folding, prefix buckets); the caller checks each candidate against
// the query.

#include <algorithm>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/user_query.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::projections {

using eventstore::encode_u64;

namespace {

constexpr std::string_view kEqualityAttributes[] = {"status", "type.id"};
/// Longer values are not indexed (a query for one is answered by a bounded scan).
constexpr size_t kMaxIndexedValueBytes = 1024;
/// Attributes nearly every user holds: `pr` on them is answered by the plain listing.
constexpr std::string_view kUniversalAttributes[] = {"profile.login", "profile.email",
                                                     "profile.firstName", "profile.lastName"};
constexpr size_t kPrefixLengths[] = {2, 4};  // characters

std::string index_prefix(char tag, std::string_view attribute, std::string_view folded) {
    std::string material(attribute);
    material.push_back('\0');
    material += folded;
    std::string out(1, tag);
    out += domain::from_hex(std::string_view(domain::token_digest(material)).substr(0, 32)).value();
    return out;
}

/// The first `n` characters (code points) of UTF-8 `s`, or nullopt when it has fewer.
std::optional<std::string_view> first_chars(std::string_view s, size_t n) {
    size_t i = 0;
    for (size_t seen = 0; seen < n; ++seen) {
        if (i >= s.size()) return std::nullopt;
        ++i;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
    return s.substr(0, i);
}

bool is_profile_attribute(std::string_view attribute) {
    return attribute.starts_with("profile.") && attribute.size() > 8;
}

bool universal(std::string_view attribute) {
    return std::find(std::begin(kUniversalAttributes), std::end(kUniversalAttributes), attribute) !=
           std::end(kUniversalAttributes);
}

/// `pr` as the query language defines it: neither null nor the empty string.
bool present(const domain::Json& v) {
    return !v.is_null() && !(v.is_string() && v.as_string().empty());
}

std::optional<std::string> attribute_text(const domain::User& u, std::string_view attribute) {
    if (attribute == "status") return std::string(domain::to_string(u.status));
    if (attribute == "type.id" && !u.type_id.empty()) return u.type_id;
    return std::nullopt;
}

std::string date_key(char letter, domain::Millis at) {
    std::string k = "d";
    k.push_back(letter);
    k += encode_u64(uint64_t(std::max<int64_t>(at, 0)));
    return k;
}

}  // namespace

std::vector<std::string> user_index_keys(const domain::User& u, uint64_t seq) {
    std::vector<std::string> keys;
    const std::string s = encode_u64(seq);
    for (auto a : kEqualityAttributes)
        if (auto text = attribute_text(u, a))
            keys.push_back(index_prefix('e', a, domain::normalize_login(*text)) + s);
    if (u.profile.is_object()) {
        // The 'e' and 'p' keys of one string value.
        auto add = [&](const std::string& attribute, const domain::Json& v) {
            if (!v.is_string() || v.as_string().empty()) return;
            const std::string folded = domain::normalize_login(v.as_string());
            if (v.as_string().size() <= kMaxIndexedValueBytes)
                keys.push_back(index_prefix('e', attribute, folded) + s);
            for (size_t n : kPrefixLengths)
                if (auto p = first_chars(folded, n))
                    keys.push_back(index_prefix('p', attribute, *p) + s);
        };
        for (const auto& [name, v] : u.profile.as_object()) {
            const std::string attribute = "profile." + name;
            if (present(v) && !universal(attribute))
                keys.push_back(index_prefix('h', attribute, {}) + s);
            if (!v.is_array()) {
                add(attribute, v);
                continue;
            }
            // `eq` and `sw` match any element of an array attribute.
            const size_t first = keys.size();
            for (const auto& e : v.as_array()) add(attribute, e);
            std::sort(keys.begin() + ptrdiff_t(first), keys.end());
            keys.erase(std::unique(keys.begin() + ptrdiff_t(first), keys.end()), keys.end());
        }
    }
    for (const auto& [attribute, letter] : kDateIndexes)
        if (auto at = domain::user_date(u, attribute)) keys.push_back(date_key(letter, *at) + s);
    if (u.activation_token_digest)
        keys.push_back(token_index("activation", *u.activation_token_digest) + s);
    if (u.forgot_token_digest) keys.push_back(token_index("recovery", *u.forgot_token_digest) + s);
    return keys;
}

std::optional<std::string> equality_index(std::string_view attribute, std::string_view value) {
    if (!is_profile_attribute(attribute) &&
        std::find(std::begin(kEqualityAttributes), std::end(kEqualityAttributes), attribute) ==
            std::end(kEqualityAttributes))
        return std::nullopt;
    if (value.empty() || value.size() > kMaxIndexedValueBytes) return std::nullopt;
    return index_prefix('e', attribute, domain::normalize_login(value));
}

std::optional<std::string> presence_index(std::string_view attribute) {
    if (!is_profile_attribute(attribute) || universal(attribute)) return std::nullopt;
    return index_prefix('h', attribute, {});
}

std::string token_index(std::string_view kind, std::string_view digest) {
    return index_prefix('t', kind, digest);
}

std::optional<std::string> prefix_index(std::string_view attribute, std::string_view prefix) {
    if (!is_profile_attribute(attribute)) return std::nullopt;
    const std::string folded = domain::normalize_login(prefix);
    for (auto it = std::rbegin(kPrefixLengths); it != std::rend(kPrefixLengths); ++it)
        if (auto p = first_chars(folded, *it)) return index_prefix('p', attribute, *p);
    return std::nullopt;  // shorter than the shortest indexed prefix
}

void update_user_index(Transaction& tx, const std::vector<std::string>& before,
                       const std::vector<std::string>& after, const std::string& id) {
    for (const auto& k : before)
        if (std::find(after.begin(), after.end(), k) == after.end()) tx.del(cf::kUsersIndex, k);
    for (const auto& k : after)
        if (std::find(before.begin(), before.end(), k) == before.end())
            tx.put(cf::kUsersIndex, k, id);
}

std::optional<char> date_index(std::string_view attribute) {
    for (const auto& [name, letter] : kDateIndexes)
        if (name == attribute) return letter;
    return std::nullopt;
}

Result<void> Reader::scan_dates(
    char letter, domain::Millis from, domain::Millis to,
    const std::function<bool(uint64_t, std::string_view)>& visit) const {
    const std::string prefix = date_key(letter, 0).substr(0, 2);
    return store_.scan(cf::kUsersIndex, prefix, date_key(letter, from),
                       [&](std::string_view k, std::string_view v) {
                           const auto at = int64_t(eventstore::decode_u64(k.substr(2, 8)));
                           if (at > to) return false;
                           return visit(eventstore::decode_u64(k.substr(10, 8)), v);
                       });
}

Result<void> Reader::scan_date_order(
    char letter, bool descending, std::optional<std::pair<domain::Millis, uint64_t>> after,
    const std::function<bool(domain::Millis, uint64_t, std::string_view)>& visit) const {
    const std::string prefix = date_key(letter, 0).substr(0, 2);
    const std::string start =
        after ? date_key(letter, after->first) + encode_u64(after->second) : std::string();
    return store_.scan(
        cf::kUsersIndex, prefix, start,
        [&](std::string_view k, std::string_view v) {
            if (!start.empty() && k == start) return true;  // the cursor's own entry
            return visit(domain::Millis(eventstore::decode_u64(k.substr(2, 8))),
                         eventstore::decode_u64(k.substr(10, 8)), v);
        },
        descending);
}

Result<void> Reader::scan_index(
    std::string_view prefix, uint64_t after_seq,
    const std::function<bool(uint64_t, std::string_view)>& visit) const {
    std::string start(prefix);
    start += encode_u64(after_seq + 1);
    return store_.scan(cf::kUsersIndex, prefix, start, [&](std::string_view k, std::string_view v) {
        return visit(eventstore::decode_u64(k.substr(k.size() - 8)), v);
    });
}

}  // namespace idledger::projections
