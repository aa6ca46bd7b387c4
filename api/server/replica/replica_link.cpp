#include "replica/replica_link.hpp"

#include <charconv>
#include <iostream>
#include <set>

#include "core/dispatch.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/jwt.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/registry.hpp"
#include "idledger/projections/replay.hpp"
#include "idledger/workers/log_topic.hpp"
#include "metric_lines.hpp"

namespace idledger::api {
namespace {

constexpr size_t kBatch = 4096;

bool hop_by_hop(std::string_view lower) {
    return lower == "connection" || lower == "keep-alive" || lower == "transfer-encoding" ||
           lower == "te" || lower == "upgrade" || lower == "content-length" ||
           lower == "proxy-connection" || lower == kForwardedForHeader;
}

/// Headers of the primary's answer this node sets itself (it answers as itself).
bool set_here(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    return hop_by_hop(lower) || lower == "date" || lower == "cache-control" || lower == "pragma" ||
           lower == "x-okta-request-id" || lower == "vary" || lower.starts_with("x-rate-limit-") ||
           lower.starts_with("access-control-");
}

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

uint64_t header_position(const HttpResponse& r) {
    for (const auto& h : r.headers)
        if (same_name(h.name, "X-Idledger-Position")) {
            uint64_t v = 0;
            std::from_chars(h.value.data(), h.value.data() + h.value.size(), v);
            return v;
        }
    return 0;
}

}  // namespace

ReplicaLink::ReplicaLink(App& app, PrimaryClient primary, std::string brokers,
                         KafkaSettingsFor kafka, ReplicaOptions options,
                         std::function<void()> on_gap)
    : app_(app),
      primary_(std::move(primary)),
      fixed_brokers_(std::move(brokers)),
      kafka_(std::move(kafka)),
      options_(options),
      on_gap_(std::move(on_gap)) {}

ReplicaLink::~ReplicaLink() { stop(); }

void ReplicaLink::start() {
    thread_ = std::thread([this] { run(); });
}

void ReplicaLink::stop() {
    {
        std::lock_guard lock(stop_mu_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    {
        std::lock_guard lock(reader_mu_);
        if (reader_) reader_->interrupt();
    }
    if (thread_.joinable()) thread_.join();
}

void ReplicaLink::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(stop_mu_);
    stop_cv_.wait_for(lock, d, [this] { return stop_.load(); });
}

void ReplicaLink::take_gap(const std::string& why) {
    gap_ = true;
    std::cerr << "idledger replica: " << why << ": taking a fresh snapshot\n";
    on_gap_();
}

std::optional<std::string> ReplicaLink::primary_brokers() {
    auto answer = primary_.admin("GET", "/api/v1/_replication/log");
    if (!answer || answer->status != 200) {
        // Once per outage: a primary that is down is asked every second or so.
        if (!primary_silent_)
            std::cerr << "idledger replica: the primary does not say where its log topic is: "
                      << (answer ? "HTTP " + std::to_string(answer->status) : answer.error())
                      << "; asking again until it does\n";
        primary_silent_ = true;
        return std::nullopt;
    }
    primary_silent_ = false;
    auto doc = domain::parse_json(answer->body);
    const domain::Json* published = doc ? doc->find("published") : nullptr;
    const domain::Json* brokers = doc ? doc->find("brokers") : nullptr;
    // A primary that does not publish its log (no --publish-log) leaves the topic still: this
    // replica would look current while it falls behind. It waits, and says so on /readyz.
    const bool unpublished = !published || !published->is_bool() || !published->as_bool();
    const bool was_unpublished = unpublished_.exchange(unpublished);
    if (unpublished) {
        if (!was_unpublished)  // said once per stretch
            std::cerr << "idledger replica: the primary does not publish its log (start it with "
                         "--publish-log); waiting\n";
        return std::nullopt;
    }
    if (!brokers || !brokers->is_string() || brokers->as_string().empty()) return std::nullopt;
    return brokers->as_string();
}

bool ReplicaLink::brokers_moved(const std::string& brokers) {
    if (!fixed_brokers_.empty()) return false;
    auto now = primary_brokers();
    if (!now || *now == brokers) return false;
    std::cerr << "idledger replica: the log topic moved from " << brokers << " to " << *now << "\n";
    broker_moves_ += 1;
    return true;
}

std::optional<ReplicaLink::Outcome> ReplicaLink::position_reader(workers::LogReader& reader,
                                                                 const std::string& brokers) {
    while (!stop_) {
        auto b = reader.bounds(5000);
        if (!b) {
            std::cerr << "idledger replica: " << b.error() << "; trying again\n";
            if (brokers_moved(brokers)) return Outcome::BrokersMoved;
            pause(std::chrono::seconds(1));
            continue;
        }
        const auto [low, high] = *b;
        const uint64_t applied = app_.store.head();
        int64_t offset = high;
        if (high > low) {
            auto first = reader.read_at(low, 5000);
            if (!first) {
                std::cerr << "idledger replica: " << first.error() << "; trying again\n";
                continue;
            }
            const uint64_t first_position = workers::log_message_position(first->value);
            if (first_position > applied + 1) {  // the topic starts after us
                take_gap("the log topic no longer holds the events after " +
                         std::to_string(applied));
                return Outcome::Gap;
            }
            // The topic's positions follow its offsets one for one (the publisher resumes after
            // its last message); the fold checks every position anyway.
            offset = std::min<int64_t>(high, low + int64_t(applied + 1 - first_position));
        }
        if (auto s = reader.start_at(offset); !s) {
            std::cerr << "idledger replica: " << s.error() << "; trying again\n";
            continue;
        }
        positioned_ = true;
        return std::nullopt;
    }
    return Outcome::Stopped;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ReplicaLink::missing_keys(
    const std::vector<eventstore::RecordedEvent>& events) {
    std::set<std::string> wanted;
    for (const auto& e : events) {
        const projections::Projection* p = projections::projection_for_stream(e.stream);
        if (!p || !p->sealed) continue;
        std::string id = projections::stream_subject(e.stream);
        if (id.empty() || wanted.contains(id)) continue;
        auto have = app_.store.get(projections::cf::kUserKeys, id);
        if (have && !*have) wanted.insert(std::move(id));
    }
    std::vector<std::pair<std::string, std::string>> out;
    if (wanted.empty()) return out;
    domain::Json ids = domain::Json::array();
    for (const auto& id : wanted) ids.push(id);
    domain::Json body = domain::Json::object();
    body.add("userIds", std::move(ids));
    auto answer = primary_.admin("POST", "/api/v1/_replication/keys", body.dump());
    if (!answer || answer->status != 200) {
        std::cerr << "idledger replica: no data keys from the primary: "
                  << (answer ? std::to_string(answer->status) : answer.error()) << "\n";
        return std::nullopt;
    }
    auto doc = domain::parse_json(answer->body);
    const domain::Json* keys = doc ? doc->find("keys") : nullptr;
    if (!keys || !keys->is_object()) return std::nullopt;
    for (const auto& [id, value] : keys->as_object()) {
        if (!value.is_string() || !wanted.contains(id)) continue;
        auto key = domain::base64url_decode(value.as_string());
        if (key) out.emplace_back(id, std::move(*key));
    }
    // Users the primary holds no key for were deleted since: their events stay sealed here too.
    return out;
}

void ReplicaLink::run() {
    const std::string client = "idledger-replica-" + app_.ids.next("", 12);
    while (!stop_) {
        std::string brokers = fixed_brokers_;
        if (brokers.empty()) {
            auto asked = primary_brokers();
            if (!asked) {
                pause(std::chrono::seconds(1));
                continue;
            }
            brokers = std::move(*asked);
        }
        auto made = workers::LogReader::create(kafka_(brokers), client);
        if (!made) {
            std::cerr << "idledger replica: " << made.error() << "\n";
            pause(std::chrono::seconds(1));
            continue;
        }
        std::unique_ptr<workers::LogReader> reader = std::move(*made);
        {
            std::lock_guard lock(reader_mu_);
            reader_ = stop_ ? nullptr : reader.get();
        }
        const Outcome outcome = stop_ ? Outcome::Stopped : follow(*reader, brokers);
        {
            std::lock_guard lock(reader_mu_);
            reader_ = nullptr;
        }
        positioned_ = false;
        if (outcome != Outcome::BrokersMoved) return;
    }
}

ReplicaLink::Outcome ReplicaLink::follow(workers::LogReader& reader, const std::string& brokers) {
    if (auto why = position_reader(reader, brokers)) return *why;
    // With the brokers asked of the primary, a quiet topic may be a broker that is gone: ask the
    // primary again after this long without a message.
    constexpr auto kQuiet = std::chrono::seconds(3);
    auto heard = std::chrono::steady_clock::now();
    int64_t last_offset = -1;
    std::vector<eventstore::RecordedEvent> batch;
    std::string error;
    while (!stop_) {
        batch.clear();
        uint64_t next = app_.store.head() + 1;
        for (int wait = 500; batch.size() < kBatch; wait = 0) {
            auto m = reader.poll(wait, &error);
            if (!m) break;
            heard = std::chrono::steady_clock::now();
            last_offset = m->offset;
            const uint64_t position = workers::log_message_position(m->value);
            if (position < next) continue;  // already folded (a publisher that resumed)
            auto event = position == next ? eventstore::decode_event(m->value) : std::nullopt;
            if (!event) {
                take_gap("expected log position " + std::to_string(next) + ", the topic has " +
                         std::to_string(position));
                return Outcome::Gap;
            }
            batch.push_back(std::move(*event));
            ++next;
        }
        if (!batch.empty()) {
            std::optional<std::vector<std::pair<std::string, std::string>>> keys;
            while (!stop_ && !(keys = missing_keys(batch))) pause(std::chrono::seconds(1));
            if (stop_) break;
            const size_t n = batch.size();
            if (auto f = projections::fold_replicated(app_.store, std::move(batch), *keys); !f) {
                take_gap("cannot fold the log: " + f.error().message);
                return Outcome::Gap;
            }
            folded_ += n;
        }
        const int64_t end = reader.known_end();
        if (end >= 0 && last_offset >= 0)
            lag_ = uint64_t(std::max<int64_t>(0, end - 1 - last_offset));
        if (std::chrono::steady_clock::now() - heard > kQuiet) {
            if (brokers_moved(brokers)) return Outcome::BrokersMoved;
            heard = std::chrono::steady_clock::now();
        }
    }
    return Outcome::Stopped;
}

HttpResponse ReplicaLink::forward(const HttpRequest& req) {
    std::vector<Header> headers;
    for (const auto& h : req.headers)
        if (!hop_by_hop(h.name)) headers.push_back(h);
    headers.push_back({std::string(kForwardedForHeader), forwarded_for(app_, req.remote_ip)});
    auto answer =
        primary_.call(req.method, req.target, headers, req.body, std::chrono::seconds(60));
    if (!answer) {
        forward_failures_ += 1;
        return error_response(
            domain::Error{domain::ErrorCode::Unavailable, {}, {{"the primary cannot be reached"}}});
    }
    forwarded_ += 1;
    HttpResponse out;
    out.status = answer->status;
    out.json = false;
    out.body = std::move(answer->body);
    for (auto& h : answer->headers)
        if (!set_here(h.name)) out.headers.push_back(std::move(h));
    // Read-your-writes: answer once this replica has folded what the primary committed.
    if (const uint64_t position = header_position(out)) {
        const auto deadline = std::chrono::steady_clock::now() + app_.config.position_wait;
        if (app_.store.wait_for(position, deadline) < position) wait_timeouts_ += 1;
    }
    return out;
}

std::string ReplicaLink::render_metrics() const {
    std::string out;
    add_metric(out, "idledger_replica_applied_position", "gauge",
               "The last log position this replica has folded.", app_.store.head());
    add_metric(out, "idledger_replica_lag_events", "gauge",
               "Events on the log topic this replica has not folded yet.", lag_.load());
    add_metric(out, "idledger_replica_folded_events_total", "counter",
               "Events folded from the log topic since start.", folded_.load());
    add_metric(
        out, "idledger_replica_log_broker_moves_total", "counter",
        "Times the primary named other brokers for its log topic (an embedded broker restarted).",
        broker_moves_.load());
    add_metric(out, "idledger_replica_forwarded_writes_total", "counter",
               "Writes forwarded to the primary and answered.", forwarded_.load());
    add_metric(out, "idledger_replica_forward_failures_total", "counter",
               "Writes not forwarded: the primary could not be reached.", forward_failures_.load());
    add_metric(out, "idledger_replica_forward_wait_timeouts_total", "counter",
               "Forwarded writes answered before this replica had folded them (wait bound passed).",
               wait_timeouts_.load());
    return out;
}

std::optional<std::string> ReplicaLink::not_ready() const {
    if (gap_) return "the log topic no longer holds what follows this replica's store";
    if (unpublished_) return "the primary does not publish its log (--publish-log)";
    if (!positioned_) return "not reading the log topic yet";
    if (lag_ > options_.max_lag)
        return "behind the log topic by " + std::to_string(lag_.load()) + " events";
    return std::nullopt;
}

}  // namespace idledger::api
