#pragma once
// What handlers may ask of the asynchronous lifecycle (the Kafka relay, workers and result
// consumer, built by the server executable): the `api` library sees only this interface, so it
// does not link `workers`.

#include <string>

namespace idledger::api {

class LifecyclePort {
  public:
    virtual ~LifecyclePort() = default;
    /// Prometheus lines of the relay and the result consumer.
    virtual std::string render_metrics() const = 0;
    /// Test hook: takes the embedded broker down (connections refused) or back up; false when
    /// there is no embedded broker.
    virtual bool set_broker_up(bool up) = 0;
    /// Where replicas read the log topic: the brokers this server uses (the embedded broker's
    /// address changes at every start), whether they are the embedded broker, and whether the
    /// log is published at all (`--publish-log`).
    struct LogTopic {
        std::string brokers;
        bool embedded = false;
        bool published = false;
    };
    virtual LogTopic log_topic() const = 0;
};

}  // namespace idledger::api
