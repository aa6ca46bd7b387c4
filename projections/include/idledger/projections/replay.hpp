#pragma once
// Rebuilding read models from the log.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::projections {

struct ReplayReport {
    uint64_t events = 0;
    double seconds = 0;
};

/// Told how a fold goes, about every two seconds: events folded so far, events in the log,
/// seconds since it started (an operator watching a long rebuild sees the rate and what is left).
using ReplayProgress = std::function<void(uint64_t folded, uint64_t total, double seconds)>;
/// Sets where every later fold reports its progress (null: nowhere). Not thread-safe: set it at
/// start-up.
void set_replay_progress(ReplayProgress progress);
/// A progress line: "replay: 120,000 of 500,000 events, 11,000 events/s, about 35 s left".
std::string replay_progress_line(uint64_t folded, uint64_t total, double seconds);

// The shape of the read models is registry.hpp's read_model_version(): a server finding another
// version stored rebuilds every read model from the log at start.

/// Rebuilds the read models when the stored version differs (or is missing on a non-empty log),
/// then records the current version. Returns whether it rebuilt.
eventstore::Result<bool> ensure_read_models_current(eventstore::EventStore& store);
/// Records that the read models are current (after a rebuild into a fresh store).
eventstore::Result<void> mark_read_models_current(eventstore::EventStore& store);
/// Whether the stored version is the current one (read-only check).
eventstore::Result<bool> read_models_current(eventstore::EventStore& store);

/// A read replica's step: appends the primary's `events` (continuing `store`'s log) together
/// with their read models, folded by the same code replay uses, in one batch. Users' data keys
/// are the replica's own copies (a deletion destroys it, as on the primary): `new_keys` (user id,
/// key), fetched from the primary for users the replica meets first here, go into the same batch.
eventstore::Result<void> fold_replicated(
    eventstore::EventStore& store, std::vector<eventstore::RecordedEvent> events,
    const std::vector<std::pair<std::string, std::string>>& new_keys = {});

/// Clears every projection column family of `store` and folds the whole log into it again.
eventstore::Result<ReplayReport> rebuild_in_place(eventstore::EventStore& store);

/// Folds `source`'s log into `scratch` (a fresh store) and compares every projection column
/// family byte for byte. Returns the differences found (empty: identical).
eventstore::Result<std::vector<std::string>> verify_against(eventstore::EventStore& source,
                                                            eventstore::EventStore& scratch,
                                                            ReplayReport& report);

}  // namespace idledger::projections
