#pragma once
// One Prometheus metric as text (HELP, TYPE and the value), for the executable's parts that add
// lines to /metrics (the lifecycle runtime, a replica's link).

#include <cstdint>
#include <string>

namespace idledger::api {

inline void add_metric(std::string& out, const char* name, const char* type, const char* help,
                       uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
}

}  // namespace idledger::api
