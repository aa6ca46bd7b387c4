#pragma once
// librdkafka configuration every client of this library starts from (private).

#include <librdkafka/rdkafka.h>

#include <optional>
#include <string>

#include "idledger/workers/kafka.hpp"

namespace idledger::workers::detail {

/// Sets one property; false (and `error` filled) when librdkafka refuses it.
bool set(rd_kafka_conf_t* conf, const char* name, const std::string& value, std::string& error);
/// Settings every client shares (brokers, client id, timeouts, --kafka-property); nullptr and
/// `error` filled when one is refused.
rd_kafka_conf_t* base_conf(const KafkaSettings& s, const std::string& client_id,
                           std::string& error);
/// What a consumer poll returned, as a message, and destroys it: nullopt for an error (its text
/// in `error`, when given; a partition's end is not an error) or for no message at all.
std::optional<KafkaMessage> take_message(rd_kafka_message_t* m, std::string* error);
/// Wakes a thread blocked in rd_kafka_consumer_poll on `rk` (stop, interrupt).
void yield_consumer(rd_kafka_t* rk);

}  // namespace idledger::workers::detail
