#pragma once
// A small owning JSON value (profiles carry arbitrary custom attributes) and the one JSON writer
// used for every response and event payload. Parsing uses simdjson (see json_parse.hpp).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace idledger::domain {

class Json;
using JsonArray = std::vector<Json>;
/// Object members keep insertion order (Okta's responses are ordered for readability).
using JsonObject = std::vector<std::pair<std::string, Json>>;

class Json {
  public:
    using Storage =
        std::variant<std::nullptr_t, bool, int64_t, double, std::string, JsonArray, JsonObject>;

    Json() : v_(nullptr) {}
    Json(std::nullptr_t) : v_(nullptr) {}
    Json(bool b) : v_(b) {}
    Json(int i) : v_(int64_t{i}) {}
    Json(int64_t i) : v_(i) {}
    Json(double d) : v_(d) {}
    Json(const char* s) : v_(std::string(s)) {}
    Json(std::string s) : v_(std::move(s)) {}
    Json(std::string_view s) : v_(std::string(s)) {}
    Json(JsonArray a) : v_(std::move(a)) {}
    Json(JsonObject o) : v_(std::move(o)) {}

    static Json object() { return Json(JsonObject{}); }
    static Json array() { return Json(JsonArray{}); }

    bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
    bool is_bool() const { return std::holds_alternative<bool>(v_); }
    bool is_int() const { return std::holds_alternative<int64_t>(v_); }
    bool is_double() const { return std::holds_alternative<double>(v_); }
    bool is_number() const { return is_int() || is_double(); }
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_array() const { return std::holds_alternative<JsonArray>(v_); }
    bool is_object() const { return std::holds_alternative<JsonObject>(v_); }

    bool as_bool() const { return std::get<bool>(v_); }
    int64_t as_int() const { return std::get<int64_t>(v_); }
    double as_double() const {
        return is_int() ? double(std::get<int64_t>(v_)) : std::get<double>(v_);
    }
    const std::string& as_string() const { return std::get<std::string>(v_); }
    const JsonArray& as_array() const { return std::get<JsonArray>(v_); }
    JsonArray& as_array() { return std::get<JsonArray>(v_); }
    const JsonObject& as_object() const { return std::get<JsonObject>(v_); }
    JsonObject& as_object() { return std::get<JsonObject>(v_); }

    /// Object member lookup; nullptr when absent or when this is not an object.
    const Json* find(std::string_view key) const;
    Json* find(std::string_view key);
    /// The string member `key`, or "" when absent or not a string.
    std::string string_at(std::string_view key) const;
    /// The string member `key`, or nullopt when absent or not a string.
    std::optional<std::string> optional_string(std::string_view key) const;
    /// Sets (replacing in place) or appends an object member. This must be an object.
    Json& set(std::string_view key, Json value);
    /// Appends an object member without looking for an existing one (the caller knows the key is
    /// new: building responses). This must be an object.
    Json& add(std::string_view key, Json value);
    /// Removes an object member if present.
    void erase(std::string_view key);
    /// Appends to an array.
    void push(Json value) { as_array().push_back(std::move(value)); }

    const Storage& storage() const { return v_; }
    bool operator==(const Json& o) const = default;

    /// Compact serialization (RFC 8259). Non-BMP characters are written as UTF-8 as given.
    std::string dump() const;
    void dump_to(std::string& out) const;

  private:
    Storage v_;
};

/// Appends `s` as a JSON string literal (with quotes) to `out`.
void json_escape_to(std::string& out, std::string_view s);

}  // namespace idledger::domain
