#pragma once
// First start on an empty data directory: the org's super administrator and an API token for it.

#include <optional>
#include <string>

#include "core/app.hpp"

namespace idledger::api {

struct BootstrapResult {
    bool created = false;  // false: the org existed already
    std::string admin_user_id;
    std::optional<std::string> token;  // clear token, only when freshly generated (print once)
};

/// `preset_token`: IDLEDGER_BOOTSTRAP_TOKEN if set. Idempotent: the org stream guards it.
eventstore::Result<BootstrapResult> bootstrap_org(App& app,
                                                  const std::optional<std::string>& preset_token);

struct AdminToken {
    std::string user_id;         // the super administrator the token acts as
    std::string token;           // clear value: print once
    bool created_admin = false;  // no super administrator could act: a recovery one was made
};

/// The way back in (`idledger admin-token`, server stopped): a new API token for an acting super
/// administrator, or, when none can act any more, for a new recovery super administrator.
eventstore::Result<AdminToken> issue_admin_token(App& app);

/// The key one-time link tokens are derived with: made on first start (server_secrets), read
/// afterwards. A read-only copy reads it or gets "" (it issues no tokens).
eventstore::Result<std::string> link_key(App& app);
/// The key lifecycle messages are signed with (server_secrets), shared with the workers through
/// DATA_DIR/worker.key or IDLEDGER_WORKER_KEYS, never through the broker.
eventstore::Result<std::string> worker_mac_key(App& app);
/// This data directory's identity (made on first start): its Kafka result consumer group is
/// `idledger-server-<id>`, so each server reads every result and applies its own.
eventstore::Result<std::string> server_id(App& app);

}  // namespace idledger::api
