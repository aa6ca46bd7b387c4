#pragma once
// The log publisher's view of the store: committed events, encoded as they travel on the log
// topic (eventstore::encode_event, keyed by stream).

#include "idledger/eventstore/event_store.hpp"
#include "idledger/workers/log_topic.hpp"

namespace idledger::api {

class LogFeed final : public workers::LogSource {
  public:
    explicit LogFeed(eventstore::EventStore& store) : store_(store) {}
    std::vector<workers::LogEntry> read_after(uint64_t after, size_t max) override {
        std::vector<workers::LogEntry> out;
        auto events = store_.read_all(after + 1, max);
        if (!events) return out;
        out.reserve(events->size());
        for (const auto& e : *events)
            out.push_back({e.position, e.stream, eventstore::encode_event(e)});
        return out;
    }
    uint64_t head() override { return store_.head(); }
    uint64_t wait_for_log(uint64_t seen, std::chrono::steady_clock::time_point deadline) override {
        return store_.wait_for(seen + 1, deadline);
    }

  private:
    eventstore::EventStore& store_;
};

}  // namespace idledger::api
