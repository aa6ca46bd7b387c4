#include "idledger/domain/json_parse.hpp"

#include <simdjson.h>

#include <charconv>
#include <cstdint>

namespace idledger::domain {
namespace {

Json convert(simdjson::dom::element e, int depth) {
    using simdjson::dom::element_type;
    if (depth > 64) throw std::runtime_error("nesting too deep");
    switch (e.type()) {
        case element_type::NULL_VALUE:
            return Json(nullptr);
        case element_type::BOOL:
            return Json(bool(e.get_bool().value()));
        case element_type::INT64:
            return Json(int64_t(e.get_int64().value()));
        case element_type::UINT64:  // beyond int64: held as the nearest double (see header)
            return Json(double(e.get_uint64().value()));
        case element_type::DOUBLE:
            return Json(double(e.get_double().value()));
        case element_type::STRING:
            return Json(std::string(e.get_string().value()));
        case element_type::ARRAY: {
            // Bind the array to a local: iterating `e.get_array().value()` directly would keep
            // a reference into a temporary that dies before the loop body runs.
            simdjson::dom::array arr;
            if (e.get_array().get(arr)) throw std::runtime_error("bad array");
            JsonArray a;
            for (simdjson::dom::element child : arr) a.push_back(convert(child, depth + 1));
            return Json(std::move(a));
        }
        case element_type::OBJECT: {
            simdjson::dom::object obj;
            if (e.get_object().get(obj)) throw std::runtime_error("bad object");
            Json o = Json::object();
            for (simdjson::dom::key_value_pair field : obj) {
                // Duplicate keys: the last one wins, as in most JSON parsers.
                o.set(field.key, convert(field.value, depth + 1));
            }
            return o;
        }
    }
    return Json(nullptr);
}

/// `text` with an exponent ("e0") after every integer literal that no int64 holds, so that
/// simdjson reads it as a double instead of refusing it.
std::string integers_beyond_int64_as_doubles(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    bool in_string = false;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        const bool starts_number = c == '-' || (c >= '0' && c <= '9');
        if (in_string || !starts_number) {
            out.push_back(c);
            if (in_string && c == '\\' && i + 1 < text.size())
                out.push_back(text[++i]);
            else if (c == '"')
                in_string = !in_string;
            ++i;
            continue;
        }
        size_t end = i + 1;
        while (end < text.size() &&
               std::string_view("0123456789.eE+-").find(text[end]) != std::string_view::npos)
            ++end;
        const std::string_view token = text.substr(i, end - i);
        out.append(token);
        int64_t ignored = 0;
        const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), ignored);
        if (ec == std::errc::result_out_of_range && ptr == token.data() + token.size()) out += "e0";
        i = end;
    }
    return out;
}

}  // namespace

std::expected<Json, std::string> parse_json(std::string_view text) {
    // One parser per thread: simdjson parsers are reusable and not thread-safe.
    thread_local simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    auto err = parser.parse(padded).get(root);
    if (err == simdjson::NUMBER_ERROR) {
        // An integer beyond 64 bits is still a JSON number: read it as a double. What fails
        // after that (1e309) is a number no double holds.
        padded = simdjson::padded_string(integers_beyond_int64_as_doubles(text));
        err = parser.parse(padded).get(root);
        if (err == simdjson::NUMBER_ERROR) return std::unexpected(std::string(kNumberOutOfRange));
    }
    if (err) return std::unexpected(std::string(simdjson::error_message(err)));
    try {
        return convert(root, 0);
    } catch (const std::exception& ex) {
        return std::unexpected(std::string(ex.what()));
    }
}

}  // namespace idledger::domain
