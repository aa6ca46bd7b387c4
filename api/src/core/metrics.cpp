#include "core/metrics.hpp"

#include <cstdio>

namespace idledger::api {

namespace {
size_t status_slot(int status) {
    for (size_t i = 0; i + 1 < Metrics::kStatuses.size(); ++i)
        if (Metrics::kStatuses[i] == status) return i;
    return Metrics::kStatuses.size() - 1;
}
}  // namespace

Metrics::Metrics(const std::vector<std::string>& routes) {
    routes_.push_back(std::make_unique<RouteStats>());
    routes_.back()->name = "unmatched";
    for (const auto& r : routes) {
        routes_.push_back(std::make_unique<RouteStats>());
        routes_.back()->name = r;
    }
}

void Metrics::observe(size_t route, int status, double seconds) {
    RouteStats& r = *routes_[route < routes_.size() ? route : 0];
    r.by_status[status_slot(status)].fetch_add(1, std::memory_order_relaxed);
    for (size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) r.buckets[i].fetch_add(1, std::memory_order_relaxed);
    r.count.fetch_add(1, std::memory_order_relaxed);
    r.sum_micros.fetch_add(uint64_t(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(const eventstore::Stats& s) const {
    std::string out;
    char buf[256];
    out += "# HELP idledger_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE idledger_http_requests_total counter\n";
    for (const auto& r : routes_) {
        for (size_t i = 0; i < kStatuses.size(); ++i) {
            uint64_t n = r->by_status[i].load(std::memory_order_relaxed);
            if (!n) continue;
            const bool other = i == kStatuses.size() - 1;
            std::snprintf(buf, sizeof buf,
                          "idledger_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                          r->name.c_str(), other ? "other" : std::to_string(kStatuses[i]).c_str(),
                          (unsigned long long)n);
            out += buf;
        }
    }
    out += "# HELP idledger_http_request_duration_seconds Request latency by route.\n";
    out += "# TYPE idledger_http_request_duration_seconds histogram\n";
    for (const auto& r : routes_) {
        uint64_t count = r->count.load(std::memory_order_relaxed);
        if (!count) continue;
        for (size_t i = 0; i < kBuckets.size(); ++i) {
            std::snprintf(
                buf, sizeof buf,
                "idledger_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                r->name.c_str(), kBuckets[i], (unsigned long long)r->buckets[i].load());
            out += buf;
        }
        std::snprintf(
            buf, sizeof buf,
            "idledger_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
            "idledger_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
            "idledger_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            r->name.c_str(), (unsigned long long)count, r->name.c_str(),
            double(r->sum_micros.load()) / 1e6, r->name.c_str(), (unsigned long long)count);
        out += buf;
    }
    auto counter = [&](const char* name, const char* help, uint64_t v) {
        std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
                      name, name, (unsigned long long)v);
        out += buf;
    };
    counter("idledger_eventstore_appended_events_total", "Events appended to the log.",
            s.appended_events.load());
    counter("idledger_eventstore_commands_total", "Commands run by the writer.", s.commands.load());
    counter("idledger_eventstore_fsyncs_total", "Synced batch writes (group commits).",
            s.fsyncs.load());
    counter("idledger_eventstore_batched_commands_total",
            "Committed commands over all group commits (divide by fsyncs for the mean batch size).",
            s.batch_commands_total.load());
    return out;
}

}  // namespace idledger::api
