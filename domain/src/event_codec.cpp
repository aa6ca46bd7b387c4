#include "idledger/domain/event_codec.hpp"

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/json_parse.hpp"

namespace idledger::domain {
std::string EventMetadata::encode() const {
    Json j = Json::object();
    j.set("actor", actor_id);
    j.set("requestId", request_id);
    if (!token_id.empty()) j.set("tokenId", token_id);
    if (!ip.empty()) j.set("ip", ip);
    if (!user_agent.empty()) j.set("userAgent", user_agent);
    return j.dump();
}

EventMetadata EventMetadata::decode(std::string_view bytes) {
    EventMetadata m;
    auto j = parse_json(bytes);
    if (!j) return m;
    m.actor_id = j->string_at("actor");
    m.request_id = j->string_at("requestId");
    m.token_id = j->string_at("tokenId");
    m.ip = j->string_at("ip");
    m.user_agent = j->string_at("userAgent");
    return m;
}

std::string encode_payload_plain(const Json& data) {
    std::string out = "P";
    data.dump_to(out);
    return out;
}

std::string encode_payload_sealed(const Json& data, std::string_view key, std::string_view stream) {
    std::string out = "S";
    out += seal(key, data.dump(), stream);
    return out;
}

DecodedPayload decode_payload(std::string_view bytes, std::string_view key,
                              std::string_view stream) {
    DecodedPayload out;
    if (bytes.empty()) return out;
    std::optional<std::string> text;
    if (bytes[0] == 'P') {
        text = std::string(bytes.substr(1));
        out.state = PayloadState::Plain;
    } else if (bytes[0] == 'S') {
        if (key.empty()) {
            out.state = PayloadState::Shredded;
            return out;
        }
        text = open_sealed(key, bytes.substr(1), stream);
        if (!text) return out;  // Corrupt
        out.state = PayloadState::Sealed;
    } else {
        return out;
    }
    auto j = parse_json(*text);
    if (!j) {
        out.state = PayloadState::Corrupt;
        return out;
    }
    out.data = std::move(*j);
    return out;
}

}  // namespace idledger::domain
