// JSON: whatever parses, dumps and parses back to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "idledger/domain/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace idledger::domain;
    auto j = parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!j) return 0;
    auto again = parse_json(j->dump());
    if (!again || !(*again == *j) || again->dump() != j->dump()) std::abort();
    return 0;
}
