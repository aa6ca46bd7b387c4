#pragma once
// A replica's starting point: a consistent snapshot of the primary's store, copied file by file
// into DIR/store. Taken when DIR has no store yet, or when DIR/resnapshot says the last one can
// no longer be followed (the log topic no longer holds the events after it).

#include <expected>
#include <string>

#include "replica/primary_client.hpp"

namespace idledger::api {

/// The file that asks the next start for a fresh snapshot.
inline constexpr std::string_view kResnapshotMarker = "resnapshot";

/// Ensures DIR/store holds a store to follow from; copies the primary's snapshot when needed.
/// Prints what it does on stdout.
std::expected<void, std::string> prepare_replica_store(const std::string& data_dir,
                                                       const PrimaryClient& primary);

}  // namespace idledger::api
