#include "idledger/projections/replay.hpp"

#include <chrono>
#include <map>
#include <unordered_map>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/user.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::projections {
namespace {

constexpr size_t kChunk = 4096;

/// Reads the sources of truth (data keys) from `source` while writing projections into the
/// wrapped transaction: a rebuild into a scratch store still finds them.
class SourceOfTruthTx final : public Transaction {
  public:
    SourceOfTruthTx(Transaction& inner, eventstore::EventStore& source)
        : inner_(inner), source_(source), truth_(source_of_truth_column_families()) {}
    Result<std::optional<std::string>> get(std::string_view c, std::string_view k) override {
        if (is_truth(c)) return source_.get(c, k);
        return inner_.get(c, k);
    }
    void put(std::string_view c, std::string_view k, std::string_view v) override {
        if (!is_truth(c)) inner_.put(c, k, v);
    }
    void del(std::string_view c, std::string_view k) override {
        if (!is_truth(c)) inner_.del(c, k);
    }
    Result<void> scan(
        std::string_view c, std::string_view prefix,
        const std::function<bool(std::string_view, std::string_view)>& visit) override {
        if (is_truth(c)) return source_.scan(c, prefix, prefix, visit);
        return inner_.scan(c, prefix, visit);
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
    bool is_truth(std::string_view c) const {
        for (const auto& t : truth_)
            if (t == c) return true;
        return false;
    }
    Transaction& inner_;
    eventstore::EventStore& source_;
    std::vector<std::string> truth_;
};

/// Hands each registered projection its share of the chunk, in log order. Projections are
/// independent of one another, so their shares may be folded one after the other.
eventstore::Result<void> apply_chunk(Transaction& tx, std::vector<eventstore::RecordedEvent>& chunk,
                                     std::unordered_map<const Projection*, ReplayCache>& caches) {
    for (const Projection* p : projection_registry())
        if (p->all_streams && p->replay)
            if (auto r = p->replay(tx, chunk, caches[p]); !r) return r;
    std::unordered_map<const Projection*, std::vector<eventstore::RecordedEvent>> shares;
    for (auto& rec : chunk)
        if (const Projection* p = projection_for_stream(rec.stream); p && p->replay)
            shares[p].push_back(std::move(rec));
    for (const Projection* p : projection_registry()) {
        auto it = shares.find(p);
        if (it == shares.end()) continue;
        if (auto r = p->replay(tx, it->second, caches[p]); !r) return r;
    }
    return {};
}

ReplayProgress& progress_sink() {
    static ReplayProgress sink;
    return sink;
}

std::string with_commas(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

eventstore::Result<ReplayReport> fold(eventstore::EventStore& source,
                                      eventstore::EventStore& target) {
    ReplayReport report;
    auto start = std::chrono::steady_clock::now();
    auto next_report = start + std::chrono::seconds(2);
    const uint64_t total = source.head();
    std::unordered_map<const Projection*, ReplayCache> caches;
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
                SourceOfTruthTx stx(tx, source);
                if (auto r = apply_chunk(stx, *events, caches); !r) failure = r.error();
            },
            /*sync=*/false);
        if (!w) return std::unexpected(w.error());
        if (failure) return std::unexpected(*failure);
        report.events += n;
        if (const auto now = std::chrono::steady_clock::now();
            progress_sink() && now >= next_report) {
            progress_sink()(report.events, total,
                            std::chrono::duration<double>(now - start).count());
            next_report = now + std::chrono::seconds(2);
        }
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

eventstore::Result<void> fold_replicated(
    eventstore::EventStore& store, std::vector<eventstore::RecordedEvent> events,
    const std::vector<std::pair<std::string, std::string>>& new_keys) {
    auto copy = events;
    std::optional<eventstore::Error> failure;
    std::unordered_map<const Projection*, ReplayCache> caches;
    auto w = store.append_replicated(events, [&](Transaction& tx) {
        for (const auto& [id, key] : new_keys) tx.put(cf::kUserKeys, id, key);
        if (auto r = apply_chunk(tx, copy, caches); !r) {
            failure = r.error();
            return false;
        }
        return true;
    });
    if (failure) return std::unexpected(*failure);
    return w;
}

void set_replay_progress(ReplayProgress progress) { progress_sink() = std::move(progress); }

std::string replay_progress_line(uint64_t folded, uint64_t total, double seconds) {
    const double rate = seconds > 0 ? double(folded) / seconds : 0;
    std::string line = "replay: " + with_commas(folded) + " of " + with_commas(total) +
                       " events, " + with_commas(uint64_t(rate)) + " events/s";
    if (rate > 0 && total > folded)
        line += ", about " + std::to_string(uint64_t((double(total - folded) / rate) + 0.5)) +
                " s left";
    return line;
}

eventstore::Result<bool> read_models_current(eventstore::EventStore& store) {
    auto v = store.get("default", kVersionKey);
    if (!v) return std::unexpected(v.error());
    if (!*v) return store.head() == 0;  // an empty log has nothing to be behind on
    return read_model_version() == **v;
}

eventstore::Result<void> mark_read_models_current(eventstore::EventStore& store) {
    return store.write_direct(
        [](Transaction& tx) { tx.put("default", kVersionKey, read_model_version()); },
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
