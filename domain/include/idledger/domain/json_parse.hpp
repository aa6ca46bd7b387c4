#pragma once
// Parsing JSON text into idledger::domain::Json with simdjson.

#include <expected>
#include <string>
#include <string_view>

#include "idledger/domain/json.hpp"

namespace idledger::domain {

/// Parses `text` (any size). On failure returns a short human-readable reason.
std::expected<Json, std::string> parse_json(std::string_view text);

}  // namespace idledger::domain
