#include "idledger/projections/replay.hpp"

#include <chrono>
#include <map>
#include <unordered_map>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/user.hpp"
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

/// Decodes one chunk and applies it grouped per user: each user's row is loaded, folded and
/// written once per chunk instead of once per event.
eventstore::Result<void> apply_chunk(Transaction& tx, std::vector<eventstore::RecordedEvent>& chunk,
                                     std::unordered_map<std::string, std::string>& keys,
                                     eventstore::EventStore& key_source) {
    struct Group {
        std::vector<eventstore::RecordedEvent> recs;
        std::vector<domain::Event> events;
    };
    std::vector<std::string> order;
    std::unordered_map<std::string, Group> groups;
    for (auto& rec : chunk) {
        if (!rec.stream.starts_with("user-")) {
            if (auto r = apply_recorded(tx, rec); !r) return r;
            continue;
        }
        const std::string id = rec.stream.substr(5);
        auto kit = keys.find(id);
        if (kit == keys.end()) {
            auto k = key_source.get(cf::kUserKeys, id);
            if (!k) return std::unexpected(k.error());
            kit = keys.emplace(id, k->value_or(std::string())).first;
        }
        auto event = decode_user_event(rec, kit->second);
        if (!event) return std::unexpected(event.error());
        if (!*event) continue;  // the user's data is gone; so is every read model row of it
        auto [it, fresh] = groups.try_emplace(id);
        if (fresh) order.push_back(id);
        it->second.events.push_back(std::move(**event));
        it->second.recs.push_back(std::move(rec));
    }
    for (const auto& id : order) {
        auto& g = groups[id];
        auto row = load_user(tx, id);
        if (!row) return std::unexpected(row.error());
        apply_user_events(tx, *row, g.recs, g.events);
    }
    return {};
}

eventstore::Result<ReplayReport> fold(eventstore::EventStore& source,
                                      eventstore::EventStore& target) {
    ReplayReport report;
    auto start = std::chrono::steady_clock::now();
    std::unordered_map<std::string, std::string> keys;
    uint64_t from = 1;
    for (;;) {
        auto events = source.read_all(from, kChunk);
        if (!events) return std::unexpected(events.error());
        if (events->empty()) break;
        const size_t n = events->size();
        from = events->back().position + 1;
        std::optional<eventstore::Error> failure;
        auto w = target.write_direct(
            [&](Transaction& tx) {
                KeySourceTx ktx(tx, source);
                if (auto r = apply_chunk(ktx, *events, keys, source); !r) failure = r.error();
            },
            /*sync=*/false);
        if (!w) return std::unexpected(w.error());
        if (failure) return std::unexpected(*failure);
        report.events += n;
        if (keys.size() > 1'000'000) keys.clear();
    }
    if (auto w = target.write_direct([](Transaction&) {}, /*sync=*/true); !w)
        return std::unexpected(w.error());
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace

namespace {
constexpr std::string_view kVersionKey = "read_model_version";
}

eventstore::Result<bool> read_models_current(eventstore::EventStore& store) {
    auto v = store.get("default", kVersionKey);
    if (!v) return std::unexpected(v.error());
    if (!*v) return store.head() == 0;  // an empty log has nothing to be behind on
    return std::to_string(kReadModelVersion) == **v;
}

eventstore::Result<void> mark_read_models_current(eventstore::EventStore& store) {
    return store.write_direct(
        [](Transaction& tx) { tx.put("default", kVersionKey, std::to_string(kReadModelVersion)); },
        /*sync=*/true);
}

eventstore::Result<bool> ensure_read_models_current(eventstore::EventStore& store) {
    auto current = read_models_current(store);
    if (!current) return std::unexpected(current.error());
    bool rebuilt = false;
    if (!*current) {
        auto r = rebuild_in_place(store);
        if (!r) return std::unexpected(r.error());
        rebuilt = true;
    }
    if (auto m = mark_read_models_current(store); !m) return std::unexpected(m.error());
    return rebuilt;
}

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
