#pragma once
// The projection registry: every read model the server keeps registers here (registry.cpp, one
// line each) with its column families, how replay folds its events and its schema version.
// Replay, `replay --verify`, the column families the store opens and the read-model version are
// all derived from this list.

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::projections {

/// Scratch a projection keeps across the chunks of one replay (users keep their data keys).
using ReplayCache = std::unordered_map<std::string, std::string>;

struct Projection {
    std::string_view name;           // "users"
    std::string_view stream_prefix;  // the streams it folds: "user-" ("" for none)
    /// Raise when the encoding of a family changes: the read-model version derives from it.
    int schema_version = 1;
    std::vector<std::string> families;        // rebuilt by replay
    std::vector<std::string> append_ordered;  // of those, the ones whose keys grow with the log
    /// Sources of truth kept beside the read models, never rebuilt (users' data keys).
    std::vector<std::string> sources_of_truth;
    /// Folds every stream's events (an index over the whole log) rather than its prefix's.
    bool all_streams = false;
    /// Whether payloads may be sealed with the subject's data key (in sources_of_truth).
    bool sealed = false;
    /// Replay: folds a chunk of this projection's events (log order, all of its streams).
    std::function<eventstore::Result<void>(eventstore::Transaction& tx,
                                           std::vector<eventstore::RecordedEvent>& events,
                                           ReplayCache& cache)>
        replay;
};

/// Every projection, in registration order.
const std::vector<const Projection*>& projection_registry();
/// The projection folding `stream`, or nullptr (streams without read models: security, ...).
const Projection* projection_for_stream(std::string_view stream);
/// The aggregate id in `stream` (what follows the projection's prefix); "" when none.
std::string stream_subject(std::string_view stream);

/// "users=7;api_tokens=2;...": changes whenever a projection is added or its shape changes.
std::string read_model_version();

/// Store options every process opening the store sets: the column families of the read models
/// and the index hook that adds the System Log's indexes to each append.
void configure_store(eventstore::Options& o);

/// Every column family the server opens beyond the event store's own.
std::vector<std::string> all_column_families();
/// The ones replay rebuilds (everything derived from events).
std::vector<std::string> projection_column_families();
/// Of those, the ones whose keys grow with the log position.
std::vector<std::string> append_ordered_column_families();
/// The sources of truth kept beside them (data keys, server secrets): never rebuilt.
std::vector<std::string> source_of_truth_column_families();

}  // namespace idledger::projections
