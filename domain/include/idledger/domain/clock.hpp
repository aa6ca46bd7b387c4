#pragma once
// Time as the domain sees it: an injectable clock and Okta's timestamp format.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace idledger::domain {

/// Milliseconds since the Unix epoch, UTC.
using Millis = int64_t;

class Clock {
  public:
    virtual ~Clock() = default;
    /// Thread-safe.
    virtual Millis now_ms() const = 0;
};

class SystemClock final : public Clock {
  public:
    Millis now_ms() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

/// A clock tests move by hand.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(Millis start) : now_(start) {}
    Millis now_ms() const override { return now_.load(); }
    void advance(Millis ms) { now_ += ms; }
    void set(Millis ms) { now_ = ms; }

  private:
    std::atomic<Millis> now_;
};

/// The system clock moved forward by a settable offset (the server's test hooks).
class OffsetClock final : public Clock {
  public:
    Millis now_ms() const override { return SystemClock().now_ms() + offset_.load(); }
    void advance(Millis ms) { offset_ += ms; }

  private:
    std::atomic<Millis> offset_{0};
};

/// `2026-11-29T18:22:07.000Z`.
std::string format_iso8601(Millis ms);
/// Accepts `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)`; nullopt if malformed.
std::optional<Millis> parse_iso8601(std::string_view text);
/// `Sun, 29 Nov 2026 18:22:07 GMT` (RFC 1123, for the HTTP Date header).
std::string format_rfc1123(Millis ms);

}  // namespace idledger::domain
