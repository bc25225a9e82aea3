// An owned POSIX file descriptor, closed when it goes out of scope.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace hvo::process {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset(std::exchange(other.fd_, -1));
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Descriptors 0-2 are about to be overwritten in a child; one of ours that happens to have such a
// number (the parent closed its own stdin, say) is moved above them, keeping FD_CLOEXEC.
inline UniqueFd above_stdio(UniqueFd fd) {
  if (!fd.valid() || fd.get() > 2) {
    return fd;
  }
  return UniqueFd(fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
}

}  // namespace hvo::process
