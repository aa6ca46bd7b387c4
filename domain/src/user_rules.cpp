#include "idledger/domain/user_rules.hpp"

#include <algorithm>
#include <cctype>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {
namespace {

struct Limit {
    std::string_view name;
    size_t max;
};

// Okta's base profile attributes with their maximum lengths (0: no explicit limit).
constexpr Limit kBaseAttributes[] = {
    {"login", 100},          {"email", 100},           {"firstName", 50},
    {"lastName", 50},        {"secondEmail", 100},     {"middleName", 0},
    {"honorificPrefix", 0},  {"honorificSuffix", 0},   {"title", 0},
    {"displayName", 0},      {"nickName", 0},          {"profileUrl", 0},
    {"organization", 0},     {"division", 0},          {"department", 0},
    {"costCenter", 0},       {"employeeNumber", 0},    {"manager", 0},
    {"managerId", 0},        {"userType", 0},          {"mobilePhone", 100},
    {"primaryPhone", 100},   {"streetAddress", 1024},  {"city", 128},
    {"state", 128},          {"zipCode", 50},          {"countryCode", 2},
    {"postalAddress", 4096}, {"preferredLanguage", 0}, {"locale", 0},
    {"timezone", 0},
};

bool is_email(std::string_view s) {
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at != s.rfind('@')) return false;
    auto domain = s.substr(at + 1);
    if (domain.empty() || domain.front() == '.' || domain.back() == '.') return false;
    for (unsigned char c : s)
        if (std::isspace(c) || c < 0x20) return false;
    return true;
}

const Json* member(const Json& j, std::string_view k) { return j.find(k); }

}  // namespace

bool has_non_bmp(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0xF0) return true;
    return false;
}

namespace {
/// Whether any string in `v`, member names included, has a character outside the BMP.
bool has_non_bmp_anywhere(const Json& v) {
    if (v.is_string()) return has_non_bmp(v.as_string());
    if (v.is_array())
        return std::any_of(v.as_array().begin(), v.as_array().end(), has_non_bmp_anywhere);
    if (v.is_object())
        for (const auto& [k, member] : v.as_object())
            if (has_non_bmp(k) || has_non_bmp_anywhere(member)) return true;
    return false;
}

bool valid_attribute_name(std::string_view name) {
    if (name.empty() || name.size() > 1024 || has_non_bmp(name)) return false;
    return std::none_of(name.begin(), name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}
}  // namespace

std::string normalize_login(std::string_view login) {
    std::string out(login);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

Error validation_error(std::vector<ErrorCause> causes) {
    std::string field;
    if (!causes.empty()) {
        const auto& s = causes.front().summary;
        field = s.substr(0, s.find(':'));
    }
    return Error{ErrorCode::ValidationFailed, field, std::move(causes)};
}

std::vector<ErrorCause> validate_profile(const Json& profile) {
    std::vector<ErrorCause> causes;
    auto add = [&](std::string_view field, std::string_view msg) {
        causes.push_back({std::string(field) + ": " + std::string(msg)});
    };
    if (!profile.is_object()) {
        add("profile", "The field cannot be left blank");
        return causes;
    }
    for (std::string_view required : {"login", "email", "firstName", "lastName"}) {
        const Json* v = member(profile, required);
        if (!v || v->is_null() || (v->is_string() && v->as_string().empty()))
            add(required, "The field cannot be left blank");
    }
    if (profile.dump().size() > kMaxProfileBytes)
        add("profile",
            "The profile cannot exceed " + std::to_string(kMaxProfileBytes) + " bytes of JSON");
    for (const auto& [key, value] : profile.as_object()) {
        const Limit* base = nullptr;
        for (const auto& l : kBaseAttributes)
            if (l.name == key) base = &l;
        if (!valid_attribute_name(key)) {
            add("profile",
                "Attribute names must be 1 to 1024 characters of the Basic Multilingual Plane, "
                "without control characters");
            continue;
        }
        if (has_non_bmp_anywhere(value)) {
            add(key, "Characters outside the Basic Multilingual Plane are not supported");
            continue;
        }
        if (!base) continue;  // custom attribute: kept as given
        if (value.is_null()) continue;
        if (!value.is_string()) {
            add(key, "Property value must be a string");
            continue;
        }
        const std::string& s = value.as_string();
        if (s.empty()) continue;  // reported above when required
        size_t len = utf8_length(s);
        if (key == "login") {
            if (len < 5 || len > 100)
                add(key, "Username must be between 5 and 100 characters");
            else if (!is_email(s))
                add(key, "Username must be in the form of an email address");
        } else if (key == "email" || key == "secondEmail") {
            if (len < 5 || len > 100 || !is_email(s)) add(key, "Does not match required pattern");
        } else if (key == "countryCode") {
            if (len != 2) add(key, "Does not match required pattern");
        } else if (base->max && len > base->max) {
            add(key, "The field cannot exceed " + std::to_string(base->max) + " characters");
        }
    }
    return causes;
}

std::string describe_policy(const PasswordPolicy& p) {
    std::string s =
        "Password requirements: at least " + std::to_string(p.min_length) + " characters";
    if (p.require_lowercase) s += ", a lowercase letter";
    if (p.require_uppercase) s += ", an uppercase letter";
    if (p.require_number) s += ", a number";
    if (p.require_symbol) s += ", a symbol";
    if (p.exclude_username) s += ", no parts of your username";
    s += ".";
    return s;
}

std::vector<ErrorCause> check_password_policy(const PasswordPolicy& p, const Secret& password,
                                              const std::string& login) {
    const std::string& pw = password.reveal();
    bool lower = false, upper = false, digit = false, symbol = false;
    for (unsigned char c : pw) {
        if (std::islower(c))
            lower = true;
        else if (std::isupper(c))
            upper = true;
        else if (std::isdigit(c))
            digit = true;
        else
            symbol = true;
    }
    bool ok = int(utf8_length(pw)) >= p.min_length && (!p.require_lowercase || lower) &&
              (!p.require_uppercase || upper) && (!p.require_number || digit) &&
              (!p.require_symbol || symbol);
    if (ok && p.exclude_username && !login.empty()) {
        // Parts of the login split on , . _ # @ - ; the domain after @ is ignored.
        std::string local = login.substr(0, login.find('@'));
        std::string lower_pw = normalize_login(pw);
        std::string part;
        auto check_part = [&] {
            if (part.size() >= 4 && lower_pw.find(normalize_login(part)) != std::string::npos)
                ok = false;
            part.clear();
        };
        for (char c : local) {
            if (c == ',' || c == '.' || c == '_' || c == '#' || c == '-')
                check_part();
            else
                part.push_back(c);
        }
        check_part();
    }
    if (int(pw.size()) > p.max_length) ok = false;
    if (ok) return {};
    return {{"password: Password requirements were not met. " + describe_policy(p)}};
}

}  // namespace idledger::domain
