#pragma once
// `idledger export`: the log as NDJSON for auditors, resumable by position.

#include <cstdint>
#include <ostream>

#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api {

/// Writes one line per stored event from `from_position` on:
/// {"position", "logEvent" (null for non-audit events), "event": {stream, version, type,
/// published, metadata, payload: plain|sealed|shredded, data (secrets' hashes removed)}}.
/// Returns the last position written (from_position - 1 when none).
eventstore::Result<uint64_t> export_log(eventstore::EventStore& store, projections::Reader& reader,
                                        uint64_t from_position, std::ostream& out);

}  // namespace idledger::api
