#pragma once
// How domain events are stored in the log: payload bytes and metadata.
// Payloads that carry personal data are sealed with the subject's data key ('S' + sealed JSON);
// others are plain JSON ('P' + JSON). Destroying the key leaves a readable envelope (type, time,
// actor, request) and an unreadable payload.

#include <optional>
#include <string>
#include <string_view>

#include "idledger/domain/user.hpp"

namespace idledger::domain {

/// Who did it and through which request: stored beside every event, never sealed.
struct EventMetadata {
    std::string actor_id;    // user id of the token's owner, or "system"
    std::string request_id;  // X-Okta-Request-Id
    std::string token_id;    // API token used, if any
    std::string ip;
    std::string user_agent;

    std::string encode() const;
    static EventMetadata decode(std::string_view bytes);
};

std::string encode_payload_plain(const Json& data);
std::string encode_payload_sealed(const Json& data, std::string_view key, std::string_view stream);

enum class PayloadState { Plain, Sealed, Shredded, Corrupt };

struct DecodedPayload {
    PayloadState state = PayloadState::Corrupt;
    Json data;  // null unless Plain or Sealed (opened)
};

/// `key` may be empty (destroyed): sealed payloads then decode as Shredded.
DecodedPayload decode_payload(std::string_view bytes, std::string_view key,
                              std::string_view stream);

}  // namespace idledger::domain
