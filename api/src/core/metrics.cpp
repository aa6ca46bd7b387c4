#include "core/metrics.hpp"

#include <cstdio>

namespace idledger::api {

void Metrics::observe(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mu_);
    ++requests_[{route, status}];
    Histogram& h = latency_[route];
    for (size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render(const eventstore::Stats& s) const {
    std::string out;
    char buf[256];
    out += "# HELP idledger_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE idledger_http_requests_total counter\n";
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_) {
        std::snprintf(buf, sizeof buf,
                      "idledger_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                      key.first.c_str(), key.second, (unsigned long long)n);
        out += buf;
    }
    out += "# HELP idledger_http_request_duration_seconds Request latency by route.\n";
    out += "# TYPE idledger_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        for (size_t i = 0; i < kBuckets.size(); ++i) {
            std::snprintf(
                buf, sizeof buf,
                "idledger_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                route.c_str(), kBuckets[i], (unsigned long long)h.buckets[i]);
            out += buf;
        }
        std::snprintf(
            buf, sizeof buf,
            "idledger_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
            "idledger_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
            "idledger_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            route.c_str(), (unsigned long long)h.count, route.c_str(), h.sum, route.c_str(),
            (unsigned long long)h.count);
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
