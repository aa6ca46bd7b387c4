#pragma once
// Parsing JSON text into idledger::domain::Json with simdjson.

#include <expected>
#include <string>
#include <string_view>

#include "idledger/domain/json.hpp"

namespace idledger::domain {

/// The reason parse_json gives for a number no double can hold (1e309): valid JSON that the
/// API refuses with E0000001 rather than E0000003.
inline constexpr std::string_view kNumberOutOfRange = "number out of range";

/// Parses `text` (any size). On failure returns a short human-readable reason.
///
/// The number model, the same for requests, stored events and read models: an integer literal
/// within int64 is an int64; every other number (fractions, exponents, integers beyond int64) is
/// the nearest IEEE-754 double, as in JavaScript. Json::dump writes doubles in the shortest form
/// that reads back to the same double, always with a '.' or an exponent, so that what was
/// accepted decodes again to the same value and the same bytes (-0.0 included).
std::expected<Json, std::string> parse_json(std::string_view text);

}  // namespace idledger::domain
