#include "idledger/projections/replay.hpp"

#include <chrono>
#include <map>

#include "idledger/projections/read_model.hpp"

namespace idledger::projections {
namespace {

constexpr size_t kChunk = 4096;

/// Reads user keys from `keys_from` while writing projections into the wrapped transaction.
class KeySourceTx final : public Transaction {
  public:
    KeySourceTx(Transaction& inner, eventstore::EventStore& keys_from)
        : inner_(inner), keys_(keys_from) {}
    Result<std::optional<std::string>> get(std::string_view c, std::string_view k) override {
        if (c == cf::kUserKeys) return keys_.get(c, k);
        return inner_.get(c, k);
    }
    void put(std::string_view c, std::string_view k, std::string_view v) override {
        if (c != cf::kUserKeys) inner_.put(c, k, v);
    }
    void del(std::string_view c, std::string_view k) override {
        if (c != cf::kUserKeys) inner_.del(c, k);
    }
    Result<uint64_t> stream_version(std::string_view s) override {
        return inner_.stream_version(s);
    }
    Result<eventstore::AppendResult> append(std::string_view, uint64_t,
                                            std::vector<eventstore::EventData>,
                                            std::string_view) override {
        return std::unexpected(eventstore::Error{eventstore::Errc::ReadOnly, "replay"});
    }
    int64_t now_ms() const override { return inner_.now_ms(); }
    const std::vector<eventstore::RecordedEvent>& appended() const override {
        return inner_.appended();
    }

  private:
    Transaction& inner_;
    eventstore::EventStore& keys_;
};

eventstore::Result<ReplayReport> fold(eventstore::EventStore& source,
                                      eventstore::EventStore& target) {
    ReplayReport report;
    auto start = std::chrono::steady_clock::now();
    uint64_t from = 1;
    for (;;) {
        auto events = source.read_all(from, kChunk);
        if (!events) return std::unexpected(events.error());
        if (events->empty()) break;
        std::optional<eventstore::Error> failure;
        auto w = target.write_direct(
            [&](Transaction& tx) {
                KeySourceTx ktx(tx, source);
                for (const auto& e : *events) {
                    if (auto r = apply_recorded(ktx, e); !r) {
                        failure = r.error();
                        return;
                    }
                }
            },
            /*sync=*/false);
        if (!w) return std::unexpected(w.error());
        if (failure) return std::unexpected(*failure);
        report.events += events->size();
        from = events->back().position + 1;
    }
    if (auto w = target.write_direct([](Transaction&) {}, /*sync=*/true); !w)
        return std::unexpected(w.error());
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace

eventstore::Result<ReplayReport> rebuild_in_place(eventstore::EventStore& store) {
    for (const auto& c : projection_column_families())
        if (auto r = store.clear_column_family(c); !r) return std::unexpected(r.error());
    return fold(store, store);
}

eventstore::Result<std::vector<std::string>> verify_against(eventstore::EventStore& source,
                                                            eventstore::EventStore& scratch,
                                                            ReplayReport& report) {
    auto folded = fold(source, scratch);
    if (!folded) return std::unexpected(folded.error());
    report = *folded;
    std::vector<std::string> diffs;
    for (const auto& c : projection_column_families()) {
        std::map<std::string, std::string> live, rebuilt;
        auto collect = [](eventstore::EventStore& s, const std::string& name,
                          std::map<std::string, std::string>& into) {
            return s.scan(name, "", "", [&](std::string_view k, std::string_view v) {
                into.emplace(std::string(k), std::string(v));
                return true;
            });
        };
        if (auto r = collect(source, c, live); !r) return std::unexpected(r.error());
        if (auto r = collect(scratch, c, rebuilt); !r) return std::unexpected(r.error());
        if (live == rebuilt) continue;
        size_t missing = 0, extra = 0, differ = 0;
        for (const auto& [k, v] : live) {
            auto it = rebuilt.find(k);
            if (it == rebuilt.end())
                ++missing;
            else if (it->second != v)
                ++differ;
        }
        for (const auto& [k, v] : rebuilt)
            if (!live.count(k)) ++extra;
        diffs.push_back(c + ": " + std::to_string(missing) + " missing, " + std::to_string(extra) +
                        " extra, " + std::to_string(differ) + " different");
    }
    return diffs;
}

}  // namespace idledger::projections
