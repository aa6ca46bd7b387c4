#pragma once
// librdkafka configuration every client of this library starts from (private).

#include <librdkafka/rdkafka.h>

#include <string>

#include "idledger/workers/kafka.hpp"

namespace idledger::workers::detail {

/// Sets one property; false (and `error` filled) when librdkafka refuses it.
bool set(rd_kafka_conf_t* conf, const char* name, const std::string& value, std::string& error);
/// Settings every client shares (brokers, client id, timeouts, --kafka-property); nullptr and
/// `error` filled when one is refused.
rd_kafka_conf_t* base_conf(const KafkaSettings& s, const std::string& client_id,
                           std::string& error);

}  // namespace idledger::workers::detail
