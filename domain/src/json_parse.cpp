#include "idledger/domain/json_parse.hpp"

#include <simdjson.h>

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
        case element_type::UINT64:
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

}  // namespace

std::expected<Json, std::string> parse_json(std::string_view text) {
    // One parser per thread: simdjson parsers are reusable and not thread-safe.
    thread_local simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    auto err = parser.parse(padded).get(root);
    if (err) return std::unexpected(std::string(simdjson::error_message(err)));
    try {
        return convert(root, 0);
    } catch (const std::exception& ex) {
        return std::unexpected(std::string(ex.what()));
    }
}

}  // namespace idledger::domain
