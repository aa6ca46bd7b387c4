#pragma once
// Authenticated messages between a server and its lifecycle workers: a JSON object's text gets a
// last member "mac", the HMAC-SHA-256 of the text before it under a key the broker never sees.
// Anyone who can write to a topic can still send bytes; without the key they are dropped.

#include <optional>
#include <string>
#include <string_view>

namespace idledger::domain {

/// `body` (a compact JSON object's text) with a last member "mac" appended.
std::string sign_json(std::string_view body, std::string_view key);

/// The body `text` was signed over, when its "mac" is valid under `key` (compared in constant
/// time); nullopt for anything else: unsigned, altered, or signed with another key.
std::optional<std::string> verify_json(std::string_view text, std::string_view key);

}  // namespace idledger::domain
