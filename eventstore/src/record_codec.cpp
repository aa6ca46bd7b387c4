#include "record_codec.hpp"

#include <cstring>

namespace idledger::eventstore {

std::string encode_u64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 7; i >= 0; --i) {
        s[size_t(i)] = char(v & 0xff);
        v >>= 8;
    }
    return s;
}

uint64_t decode_u64(std::string_view s) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < s.size(); ++i) v = (v << 8) | uint8_t(s[i]);
    return v;
}

namespace detail {
namespace {

void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        uint8_t b = uint8_t(in.front());
        in.remove_prefix(1);
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

void put_str(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s);
}

bool get_str(std::string_view& in, std::string& s) {
    uint64_t n;
    if (!get_varint(in, n) || n > in.size()) return false;
    s.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

}  // namespace

std::string encode_record(const RecordedEvent& e) {
    std::string out;
    out.reserve(32 + e.stream.size() + e.type.size() + e.metadata.size() + e.payload.size());
    out.push_back(char(1));
    out += encode_u64(uint64_t(e.timestamp_ms));
    out += encode_u64(e.version);
    put_str(out, e.stream);
    put_str(out, e.type);
    put_str(out, e.metadata);
    out += e.payload;
    return out;
}

std::optional<RecordedEvent> decode_record(uint64_t position, std::string_view in) {
    if (in.size() < 17 || in[0] != char(1)) return std::nullopt;
    RecordedEvent e;
    e.position = position;
    e.timestamp_ms = int64_t(decode_u64(in.substr(1, 8)));
    e.version = decode_u64(in.substr(9, 8));
    in.remove_prefix(17);
    if (!get_str(in, e.stream) || !get_str(in, e.type) || !get_str(in, e.metadata))
        return std::nullopt;
    e.payload.assign(in);
    return e;
}

std::string stream_key(std::string_view stream, uint64_t version) {
    std::string k(stream);
    k.push_back('\0');
    k += encode_u64(version);
    return k;
}

}  // namespace detail

std::string encode_event(const RecordedEvent& e) {
    return encode_u64(e.position) + detail::encode_record(e);
}

std::optional<RecordedEvent> decode_event(std::string_view bytes) {
    if (bytes.size() < 8) return std::nullopt;
    return detail::decode_record(decode_u64(bytes.substr(0, 8)), bytes.substr(8));
}

}  // namespace idledger::eventstore
