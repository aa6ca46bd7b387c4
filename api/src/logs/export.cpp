#include "logs/export.hpp"

#include "idledger/domain/json_parse.hpp"
#include "logs/event_view.hpp"

namespace idledger::api {

using domain::Json;

namespace {

/// Hashes of secrets are kept in the log for verification; an export for people leaves them out.
void redact_secrets(Json& j) {
    if (!j.is_object()) return;
    for (const char* k : {"password", "passwordHistory", "recoveryAnswerHash", "digest",
                          "tokenDigest", "activationTokenDigest", "resetTokenDigest"})
        if (j.find(k)) j.set(k, "(redacted)");
}

const char* state_name(domain::PayloadState s) {
    switch (s) {
        case domain::PayloadState::Plain:
            return "plain";
        case domain::PayloadState::Sealed:
            return "sealed";
        case domain::PayloadState::Shredded:
            return "shredded";
        case domain::PayloadState::Corrupt:
            return "corrupt";
    }
    return "corrupt";
}

}  // namespace

eventstore::Result<uint64_t> export_log(eventstore::EventStore& store, projections::Reader& reader,
                                        uint64_t from_position, std::ostream& out) {
    EventView view(reader, store);
    uint64_t last = from_position == 0 ? 0 : from_position - 1;
    for (uint64_t from = std::max<uint64_t>(from_position, 1);;) {
        auto chunk = store.read_all(from, 1024);
        if (!chunk) return std::unexpected(chunk.error());
        if (chunk->empty()) break;
        for (const auto& e : *chunk) {
            auto payload = view.payload(e);
            redact_secrets(payload.data);
            Json event = Json::object();
            event.add("stream", e.stream);
            event.add("version", int64_t(e.version));
            event.add("type", e.type);
            event.add("published", domain::format_iso8601(e.timestamp_ms));
            auto meta = domain::parse_json(e.metadata);
            event.add("metadata", meta ? *meta : Json(nullptr));
            event.add("payload", state_name(payload.state));
            event.add("data", std::move(payload.data));
            Json line = Json::object();
            line.add("position", int64_t(e.position));
            auto log = view.log_event(e);
            line.add("logEvent", log ? std::move(*log) : Json(nullptr));
            line.add("event", std::move(event));
            std::string text;
            line.dump_to(text);
            text.push_back('\n');
            out << text;
            last = e.position;
        }
        from = chunk->back().position + 1;
    }
    out.flush();
    return last;
}

}  // namespace idledger::api
