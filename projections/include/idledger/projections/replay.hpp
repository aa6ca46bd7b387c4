#pragma once
// Rebuilding read models from the log.

#include <cstdint>
#include <string>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::projections {

struct ReplayReport {
    uint64_t events = 0;
    double seconds = 0;
};

/// Clears every projection column family of `store` and folds the whole log into it again.
eventstore::Result<ReplayReport> rebuild_in_place(eventstore::EventStore& store);

/// Folds `source`'s log into `scratch` (a fresh store) and compares every projection column
/// family byte for byte. Returns the differences found (empty: identical).
eventstore::Result<std::vector<std::string>> verify_against(eventstore::EventStore& source,
                                                            eventstore::EventStore& scratch,
                                                            ReplayReport& report);

}  // namespace idledger::projections
