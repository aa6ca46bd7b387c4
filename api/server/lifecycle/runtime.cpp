#include "lifecycle/runtime.hpp"

#include <algorithm>

#include "lifecycle/completion.hpp"
#include "lifecycle/log_feed.hpp"
#include "lifecycle/outbox.hpp"
#include "metric_lines.hpp"

namespace idledger::api {

workers::KafkaSettings kafka_settings(const std::string& brokers, int fetch_wait_ms,
                                      std::vector<std::pair<std::string, std::string>> properties) {
    const bool loopback = brokers.starts_with("127.") || brokers.starts_with("localhost:");
    workers::KafkaSettings s;
    s.brokers = brokers;
    s.embedded = loopback;
    s.fetch_wait_ms = fetch_wait_ms;
    s.properties = std::move(properties);
    return s;
}

std::expected<std::unique_ptr<LifecycleRuntime>, std::string> LifecycleRuntime::start(
    App& app, LifecycleOptions o) {
    std::unique_ptr<LifecycleRuntime> rt(new LifecycleRuntime());
    rt->app_ = &app;
    rt->email_rounds_ = std::max(1, o.email_rounds);
    if (o.kafka_brokers.empty()) {
        auto b = workers::EmbeddedBroker::start(1, "idledger-relay");
        if (!b) return std::unexpected(b.error());
        rt->broker_ = std::move(*b);
        rt->bootstrap_ = rt->broker_->bootstrap();
    } else {
        rt->bootstrap_ = o.kafka_brokers;
    }
    workers::KafkaSettings kafka =
        kafka_settings(rt->bootstrap_, o.kafka_fetch_wait_ms, o.kafka_properties);
    // The embedded broker cannot hold an empty fetch until data arrives: this process's
    // consumers rest while idle and are woken by its own deliveries.
    kafka.rest_when_idle = rt->broker_ != nullptr;
    if (!rt->broker_)
        if (auto t = workers::ensure_lifecycle_topics(kafka); !t) return std::unexpected(t.error());
    if (rt->broker_) {
        rt->producer_ = &rt->broker_->producer();  // the client instance hosting the broker
    } else {
        auto producer = workers::Producer::create(kafka, "idledger-relay");
        if (!producer) return std::unexpected(producer.error());
        rt->own_producer_ = std::move(*producer);
        rt->producer_ = rt->own_producer_.get();
    }
    rt->outbox_ = std::make_unique<Outbox>(app, o.public_url, o.expiry.max_age_ms);
    rt->relay_ = std::make_unique<workers::Relay>(*rt->outbox_, *rt->producer_, o.relay);

    workers::Relay* relay = rt->relay_.get();
    LifecycleRuntime* self = rt.get();
    auto on_result = [&app, relay, self](workers::ResultMessage r, std::function<void()> ack) {
        const uint64_t position = r.position;
        const std::string request_id = r.request_id;
        if (self->retry_transient_email(r)) {
            // Not recorded: the request stays pending and in flight, and the relay publishes it
            // again after its retry delay.
            ack();
            return;
        }
        apply_result(app, r, [&app, relay, self, position, request_id, ack](bool applied) {
            (applied ? self->applied_ : self->dropped_) += 1;
            if (applied) app.completions.complete(request_id);
            // Applied or a duplicate, this publication is settled. (A failure leaves the request
            // pending; the relay's retry publishes it again.)
            relay->completed(position);
            ack();
        });
    };
    rt->results_ = std::make_unique<workers::ResultConsumer>(
        kafka, o.relay.keys, "idledger-server-" + o.server_id, on_result);
    if (auto s = rt->results_->start(); !s) return std::unexpected(s.error());
    if (o.workers > 0) {
        rt->mailer_ = workers::make_mailer(o.mail);
        // Results share the relay's producer (stopped before it: see the destructor).
        rt->workers_ = std::make_unique<workers::WorkerPool>(
            kafka, o.relay.keys, *rt->mailer_, o.workers, "idledger-serve-worker", rt->producer_);
        if (auto s = rt->workers_->start(); !s) return std::unexpected(s.error());
    }
    rt->relay_->start();
    if (o.publish_log) {
        rt->log_feed_ = std::make_unique<LogFeed>(app.store);
        workers::LogPublisherOptions lo;
        if (rt->broker_) lo.empty_topic_backlog = o.embedded_log_backlog;
        rt->log_publisher_ =
            std::make_unique<workers::LogPublisher>(*rt->log_feed_, *rt->producer_, kafka, lo);
        rt->log_publisher_->start();
    }
    rt->scheduler_ = std::make_unique<PasswordExpiryScheduler>(app, o.expiry);
    rt->scheduler_->start();
    app.lifecycle = rt.get();
    return rt;
}

LifecycleRuntime::~LifecycleRuntime() {
    if (app_) app_->lifecycle = nullptr;
    if (scheduler_) scheduler_->stop();
    if (relay_) relay_->stop();
    if (log_publisher_) log_publisher_->stop();
    if (workers_) workers_->stop();
    if (results_) results_->stop();
    // Every delivery report runs now, while the relay, the publisher and the workers they
    // report to still exist (the producer itself may host the broker, so it goes last).
    if (producer_) producer_->close();
    relay_.reset();
    log_publisher_.reset();
    workers_.reset();
    results_.reset();
    // The producer goes before the broker it may be hosted by (and with it, if so).
    own_producer_.reset();
    producer_ = nullptr;
    broker_.reset();
}

LifecyclePort::LogTopic LifecycleRuntime::log_topic() const {
    return {.brokers = bootstrap_, .embedded = embedded(), .published = log_publisher_ != nullptr};
}

bool LifecycleRuntime::retry_transient_email(const workers::ResultMessage& r) {
    std::lock_guard lock(email_attempts_mu_);
    if (!r.email || r.email->delivered || !r.email->transient) {
        email_attempts_.erase(r.request_id);
        return false;
    }
    int& rounds = email_attempts_[r.request_id];
    if (++rounds >= email_rounds_) {
        email_attempts_.erase(r.request_id);
        return false;  // recorded as failed: enough rounds
    }
    emails_retried_ += 1;
    return true;
}

bool LifecycleRuntime::set_broker_up(bool up) {
    if (!broker_) return false;
    broker_->set_up(up);
    return true;
}

workers::Relay::Stats LifecycleRuntime::relay_stats() const { return relay_->stats(); }

std::string LifecycleRuntime::render_metrics() const {
    const auto r = relay_->stats();
    std::string out;
    add_metric(out, "idledger_lifecycle_requests_published_total", "counter",
               "Requests the relay published to the request topic.", r.published);
    add_metric(out, "idledger_lifecycle_requests_republished_total", "counter",
               "Requests published again after waiting too long for a completion.", r.republished);
    add_metric(out, "idledger_lifecycle_requests_in_flight", "gauge",
               "Requests published and not yet completed.", r.in_flight);
    add_metric(out, "idledger_lifecycle_results_applied_total", "counter",
               "Worker results whose completion was appended.", applied_.load());
    add_metric(out, "idledger_lifecycle_results_dropped_total", "counter",
               "Worker results dropped: duplicates and superseded requests.", dropped_.load());
    add_metric(out, "idledger_lifecycle_results_forged_total", "counter",
               "Results dropped because they were not signed with this server's worker key.",
               results_ ? results_->forged() : 0);
    add_metric(out, "idledger_lifecycle_requests_forged_total", "counter",
               "Requests this server's workers dropped because they were not signed with its key.",
               workers_ ? workers_->forged() : 0);
    add_metric(out, "idledger_lifecycle_emails_retried_total", "counter",
               "E-mail requests published again after a transient delivery failure.",
               emails_retried_.load());
    if (log_publisher_) {
        const auto l = log_publisher_->stats();
        add_metric(out, "idledger_log_published_total", "counter",
                   "Committed events the broker acknowledged on the log topic.", l.published);
        add_metric(out, "idledger_log_published_position", "gauge",
                   "The highest log position acknowledged on the log topic.",
                   l.acknowledged_position);
        add_metric(out, "idledger_log_publish_failures_total", "counter",
                   "Log topic deliveries that failed (publishing resumed after the topic's last).",
                   l.failures);
    }
    add_metric(out, "idledger_password_expiry_checks_total", "counter",
               "Passes of the password-expiry scheduler.", scheduler_ ? scheduler_->sweeps() : 0);
    return out;
}

}  // namespace idledger::api
