#include "idledger/domain/json.hpp"

#include <charconv>
#include <cmath>

namespace idledger::domain {

const Json* Json::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : as_object())
        if (k == key) return &v;
    return nullptr;
}

Json* Json::find(std::string_view key) {
    if (!is_object()) return nullptr;
    for (auto& [k, v] : as_object())
        if (k == key) return &v;
    return nullptr;
}

std::string Json::string_at(std::string_view key) const {
    const Json* v = find(key);
    return v && v->is_string() ? v->as_string() : std::string();
}

std::optional<std::string> Json::optional_string(std::string_view key) const {
    const Json* v = find(key);
    if (v && v->is_string()) return v->as_string();
    return std::nullopt;
}

Json& Json::add(std::string_view key, Json value) {
    auto& obj = as_object();
    obj.emplace_back(std::string(key), std::move(value));
    return obj.back().second;
}

Json& Json::set(std::string_view key, Json value) {
    if (Json* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    auto& obj = as_object();
    obj.emplace_back(std::string(key), std::move(value));
    return obj.back().second;
}

void Json::erase(std::string_view key) {
    if (!is_object()) return;
    auto& obj = as_object();
    std::erase_if(obj, [&](const auto& kv) { return kv.first == key; });
}

void json_escape_to(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    size_t run = 0;  // start of the pending run of characters that need no escaping
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                out += "\\u00";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xf]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

namespace {
struct Writer {
    std::string& out;
    void operator()(std::nullptr_t) const { out += "null"; }
    void operator()(bool b) const { out += b ? "true" : "false"; }
    void operator()(int64_t i) const {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, i);
        out.append(buf, r.ptr);
    }
    void operator()(double d) const {
        if (!std::isfinite(d)) {
            out += "null";
            return;
        }
        // Shortest text that reads back to the same double, and always with a '.' or an
        // exponent, so that the reader sees a double again: a double never comes back as an
        // integer (2^64 would not even fit one) and -0.0 keeps its sign.
        char buf[40];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        const std::string_view text(buf, size_t(r.ptr - buf));
        out.append(text);
        if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
    }
    void operator()(const std::string& s) const { json_escape_to(out, s); }
    void operator()(const JsonArray& a) const {
        out.push_back('[');
        bool first = true;
        for (const auto& v : a) {
            if (!first) out.push_back(',');
            first = false;
            v.dump_to(out);
        }
        out.push_back(']');
    }
    void operator()(const JsonObject& o) const {
        out.push_back('{');
        bool first = true;
        for (const auto& [k, v] : o) {
            if (!first) out.push_back(',');
            first = false;
            json_escape_to(out, k);
            out.push_back(':');
            v.dump_to(out);
        }
        out.push_back('}');
    }
};
}  // namespace

void Json::dump_to(std::string& out) const { std::visit(Writer{out}, v_); }

std::string Json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

}  // namespace idledger::domain
