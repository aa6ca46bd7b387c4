// Request targets: query strings and percent-encoding never crash; encode/decode round-trips.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace idledger::api;
    std::string_view s(reinterpret_cast<const char*>(data), size);
    (void)parse_query(s);
    (void)percent_decode(s, true);
    auto round = percent_decode(percent_encode(s), false);
    if (!round || *round != s) std::abort();
    return 0;
}
