#pragma once
// The relay's view of the log: the pending requests (lifecycle_pending, written in the same batch
// as each requesting event) and the pending admin notifications (each at the position of the
// event that made it), turned into request messages with what a worker needs.

#include <string>

#include "core/app.hpp"
#include "idledger/workers/relay.hpp"

namespace idledger::api {

class Outbox final : public workers::RelaySource {
  public:
    /// `public_url`: the org's base URL for links in e-mails.
    /// `password_max_age_ms`: the policy's, for the expiry date in warning e-mails.
    Outbox(App& app, std::string public_url, domain::Millis password_max_age_ms)
        : app_(app), public_url_(std::move(public_url)), max_age_ms_(password_max_age_ms) {}
    std::vector<uint64_t> pending_after(uint64_t after, size_t max) override;
    std::optional<workers::RequestMessage> compose(uint64_t position) override;
    uint64_t wait_for_log(uint64_t seen, std::chrono::steady_clock::time_point deadline) override;

  private:
    std::optional<workers::RequestMessage> compose_notification(uint64_t position);
    App& app_;
    std::string public_url_;
    domain::Millis max_age_ms_;
};

}  // namespace idledger::api
