#include "tests/net/scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace hvo::net::testing {

std::optional<std::string> ScriptedConnection::read_request() {
  auto fill = [this]() {
    char chunk[4096];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0)
      return false;
    buffered_.append(chunk, static_cast<std::size_t>(got));
    return true;
  };
  std::size_t end;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill())
      return std::nullopt;
  }
  const std::string head = buffered_.substr(0, end);
  std::size_t length = 0;
  for (std::size_t at = 0; at < head.size();) {
    std::size_t next = head.find("\r\n", at);
    if (next == std::string::npos)
      next = head.size();
    std::string line = head.substr(at, next - at);
    for (auto& c : line)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (line.rfind("content-length:", 0) == 0)
      length = std::stoul(line.substr(15));
    at = next + 2;
  }
  while (buffered_.size() < end + 4 + length) {
    if (!fill())
      return std::nullopt;
  }
  const std::string request =
      head.substr(0, head.find("\r\n")) + "\n" + buffered_.substr(end + 4, length);
  buffered_.erase(0, end + 4 + length);
  record_(request);
  return request;
}

void ScriptedConnection::write(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    sent += static_cast<std::size_t>(n);
  }
}

void ScriptedConnection::reply(const std::string& body) {
  write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
}

ScriptedServer::ScriptedServer(Script script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("scripted server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : connection_fds_)
      ::shutdown(fd, SHUT_RDWR);  // wakes a script blocked in read_request()
  }
  for (auto& thread : threads_)
    thread.join();
  for (int fd : connection_fds_)
    ::close(fd);
}

std::vector<std::string> ScriptedServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void ScriptedServer::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0)
      return;
    const int number = accepted_++;
    std::lock_guard<std::mutex> lock(mu_);
    connection_fds_.push_back(fd);
    threads_.emplace_back([this, fd, number] {
      ScriptedConnection connection(fd, [this](const std::string& request) {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(request);
      });
      script_(number, connection);
      ::shutdown(fd, SHUT_RDWR);  // the script is done with it: the client sees the close
    });
  }
}

}  // namespace hvo::net::testing
