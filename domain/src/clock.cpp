#include "idledger/domain/clock.hpp"

#include <cstdio>

namespace idledger::domain {
namespace {

// Howard Hinnant's civil-date algorithms.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

struct Parts {
    int64_t y;
    unsigned mo, d, h, mi, s, ms, wday;
};

Parts split(Millis t) {
    int64_t days = t >= 0 ? t / 86400000 : (t - 86399999) / 86400000;
    int64_t rem = t - days * 86400000;
    Parts p{};
    civil_from_days(days, p.y, p.mo, p.d);
    p.h = unsigned(rem / 3600000);
    p.mi = unsigned(rem / 60000 % 60);
    p.s = unsigned(rem / 1000 % 60);
    p.ms = unsigned(rem % 1000);
    p.wday = unsigned((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday (4)
    return p;
}

bool digits(std::string_view s, size_t pos, size_t n, unsigned& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + unsigned(c - '0');
    }
    return true;
}

}  // namespace

std::string format_iso8601(Millis ms) {
    Parts p = split(ms);
    if (p.y < 0 || p.y > 9999) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)p.y,
                      p.mo, p.d, p.h, p.mi, p.s, p.ms);
        return buf;
    }
    // Hot path (every timestamp of every user rendered): no printf.
    char b[25] = "0000-00-00T00:00:00.000Z";
    auto put = [&](size_t at, unsigned v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10) b[at + size_t(i)] = char('0' + v % 10);
    };
    put(0, unsigned(p.y), 4);
    put(5, p.mo, 2);
    put(8, p.d, 2);
    put(11, p.h, 2);
    put(14, p.mi, 2);
    put(17, p.s, 2);
    put(20, p.ms, 3);
    return std::string(b, 24);
}

std::string format_rfc1123(Millis ms) {
    static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Parts p = split(ms);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kDays[p.wday], p.d,
                  kMonths[p.mo - 1], (long long)p.y, p.h, p.mi, p.s);
    return buf;
}

std::optional<Millis> parse_iso8601(std::string_view s) {
    unsigned y, mo, d, h, mi, sec, ms = 0;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, sec))
        return std::nullopt;
    // A date that does not exist (2026-02-30, 2025-02-29) is refused, not rolled over.
    static constexpr unsigned kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > kDaysIn[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 ||
        mi > 59 || sec > 60)
        return std::nullopt;
    size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        unsigned scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (pos - start < 3) ms += unsigned(s[pos] - '0') * scale, scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    int64_t offset_min = 0;
    if (pos == s.size()) return std::nullopt;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        unsigned oh, om;
        if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
        size_t mpos = pos + 3;
        if (mpos < s.size() && s[mpos] == ':') ++mpos;
        if (!digits(s, mpos, 2, om)) return std::nullopt;
        if (oh > 18 || om > 59 || oh * 60 + om > 18 * 60) return std::nullopt;  // ISO: +-18:00
        offset_min = sign * int64_t(oh * 60 + om);
        pos = mpos + 2;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    int64_t days = days_from_civil(y, mo, d);
    return ((days * 24 + h) * 60 + mi - offset_min) * 60000 + int64_t(sec) * 1000 + ms;
}

}  // namespace idledger::domain
