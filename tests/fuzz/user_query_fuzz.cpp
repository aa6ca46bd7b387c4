// filter/search expressions: parse must never crash; whatever parses must evaluate.
#include <cstdint>
#include <string_view>

#include "idledger/domain/user_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace idledger::domain;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    User u;
    u.id = "00u00000000000000001";
    u.profile.set("login", "a@example.com");
    u.profile.set("tags", Json(JsonArray{Json("x"), Json(1)}));
    for (auto mode : {QueryMode::Filter, QueryMode::Search})
        if (auto q = parse_user_query(text, mode)) (void)matches(*q, u, mode);
    return 0;
}
