#pragma once
// What the API asks of a read replica's link to its primary (built by `idledger replica` in the
// executable): writes go to the primary, and the replica answers once it has folded them.

#include <optional>
#include <string>

#include "http/message.hpp"

namespace idledger::api {

class ReplicaPort {
  public:
    virtual ~ReplicaPort() = default;
    /// Sends a write to the primary and returns its answer once this replica has applied the
    /// position it names (bounded wait). Blocks: called on a work-pool thread.
    virtual HttpResponse forward(const HttpRequest& req) = 0;
    /// Prometheus lines: applied position, lag, forwarded writes, snapshots taken.
    virtual std::string render_metrics() const = 0;
    /// Why this replica should not take traffic now (too far behind, no log); nullopt: ready.
    virtual std::optional<std::string> not_ready() const = 0;
};

/// The header a replica sends the client's address in (X-Idledger-Forwarded-For: "IP MAC"), and
/// its MAC: keyed with the link key both share, so no client can claim another address.
inline constexpr std::string_view kForwardedForHeader = "x-idledger-forwarded-for";

}  // namespace idledger::api
