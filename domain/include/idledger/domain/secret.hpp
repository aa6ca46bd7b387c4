#pragma once
// A value that must never reach a log, a response or an event in clear: passwords, recovery
// answers, tokens. It prints as ***; the value is reached only through reveal().

#include <ostream>
#include <string>
#include <utility>

namespace idledger::domain {

class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    Secret(Secret&&) noexcept = default;
    Secret& operator=(Secret&&) noexcept = default;
    ~Secret();

    /// The clear value; callers hash it or compare it and never store it.
    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }
    friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

  private:
    std::string value_;
};

}  // namespace idledger::domain
