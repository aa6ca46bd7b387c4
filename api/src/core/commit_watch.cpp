// App::watch_commits: what every committed event tells the caches (app.hpp).

#include "core/app.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api {

void App::watch_commits() {
    static const std::string prefix = projections::user_stream("");
    store.observe_commits([this](const std::vector<eventstore::RecordedEvent>& events) {
        for (const auto& e : events)
            if (e.stream.starts_with(prefix))
                rendered_users.committed(e.stream.substr(prefix.size()), e.version);
    });
}

}  // namespace idledger::api
