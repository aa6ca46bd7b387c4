// App::watch_commits: what every committed event tells the caches (app.hpp).

#include "core/app.hpp"
#include "core/commands.hpp"
#include "idledger/projections/read_model.hpp"
#include "users/user_commands.hpp"

namespace idledger::api {

void App::watch_commits() {
    static const std::string prefix = projections::user_stream("");
    store.observe_commits([this](const std::vector<eventstore::RecordedEvent>& events) {
        for (const auto& e : events)
            if (e.stream.starts_with(prefix))
                rendered_users.committed(e.stream.substr(prefix.size()), e.version);
        if (!config.read_only) return;
        // A replica folds the primary's commands instead of running them: the principals they
        // change (a token revoked, a role removed) are forgotten here, as the primary's commands
        // forget them after committing.
        after_commit(*this, events);
        for (const auto& e : events)
            if (e.stream.starts_with(prefix) && changes_authorization(e.type)) {
                auth_cache.invalidate();
                break;
            }
    });
}

}  // namespace idledger::api
