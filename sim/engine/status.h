// Results of operations that can fail because of their input (a bad topology parameter, a
// latency matrix of the wrong size, a fault naming a node that does not exist).
//
// Contract: failures caused by input come back as a message naming the problem; nothing in
// sim/ throws on bad input or asserts on it. Asserts guard programming errors only.
// Expected<T> is shaped like a subset of C++23 std::expected<T, std::string>, so it can be
// swapped for it when the toolchain allows.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sim {

// The error side of a result: a message for a person, naming the offending value, and
// optionally the parameter at fault (e.g. "degree"), so a caller reading a file can point
// at the line that set it.
struct Error {
    std::string message;
    std::string field = {};
};

// Success, or an Error. Cheap on success.
class [[nodiscard]] Status {
  public:
    Status() = default;                                                      // success
    Status(Error error)  // NOLINT(google-explicit-constructor)
        : message_(std::move(error.message)), field_(std::move(error.field)), ok_(false) {}
    static Status success() { return Status(); }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    // REQUIRES: !ok().
    const std::string& error() const {
        assert(!ok_);
        return message_;
    }
    // The parameter at fault, or empty. REQUIRES: !ok().
    const std::string& field() const {
        assert(!ok_);
        return field_;
    }

  private:
    std::string message_;
    std::string field_;
    bool ok_ = true;
};

// A T, or an Error.
template <class T>
class [[nodiscard]] Expected {
  public:
    Expected(T value) : value_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Expected(Error error) : value_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool has_value() const { return value_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    // REQUIRES: has_value().
    T& value() & { return std::get<0>(value_); }
    const T& value() const& { return std::get<0>(value_); }
    T&& value() && { return std::get<0>(std::move(value_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // REQUIRES: !has_value().
    const std::string& error() const { return std::get<1>(value_).message; }

  private:
    std::variant<T, Error> value_;
};

}  // namespace sim
