#pragma once
// What a read replica asks of its primary (not part of Okta's API; super administrators only):
// a consistent snapshot of the store to start from, fetched file by file, and the data keys of
// users created after it (a replica keeps its own copy of each key, and destroys it when it
// folds the user's deletion, so shredding reaches every copy).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::replication {

std::vector<Route> routes();

}  // namespace idledger::api::replication
