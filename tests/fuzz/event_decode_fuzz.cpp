// Stored bytes: record decoding and payload decoding never crash on arbitrary input.
#include <cstdint>
#include <string>
#include <string_view>

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/event_codec.hpp"
#include "record_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)idledger::eventstore::detail::decode_record(1, bytes);
    static const std::string key = idledger::domain::new_data_key();
    (void)idledger::domain::decode_payload(bytes, key, "user-00u1");
    (void)idledger::domain::decode_payload(bytes, "", "user-00u1");
    (void)idledger::domain::EventMetadata::decode(bytes);
    return 0;
}
