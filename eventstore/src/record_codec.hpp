#pragma once
// The on-disk layout of one event record (value in the `events` column family).

#include <optional>
#include <string>
#include <string_view>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::eventstore::detail {

inline constexpr std::string_view kEventsCf = "events";
inline constexpr std::string_view kStreamsCf = "streams";
inline constexpr std::string_view kHeadsCf = "stream_heads";
inline constexpr std::string_view kIdempotencyCf = "idempotency";

/// Format 1: u8 1 | u64 timestamp | u64 version | str stream | str type | str metadata | payload.
std::string encode_record(const RecordedEvent& e);
/// Position comes from the key. nullopt if the bytes are not a record.
std::optional<RecordedEvent> decode_record(uint64_t position, std::string_view bytes);

std::string stream_key(std::string_view stream, uint64_t version);

}  // namespace idledger::eventstore::detail
