// pick_free_port(): ask the kernel for an unused loopback port by binding to port 0 (Asio, so
// the same code builds on Windows).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <stdexcept>
#include <string>

#include "common/net/http_server.h"

namespace hvo::net {

uint16_t pick_free_port() {
  namespace asio = boost::asio;
  asio::io_context context;
  asio::ip::tcp::acceptor acceptor(context);
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint any_port(asio::ip::address_v4::loopback(), 0);
  acceptor.open(any_port.protocol(), ec);
  if (!ec)
    acceptor.bind(any_port, ec);
  if (ec)
    throw std::runtime_error("pick_free_port: bind 127.0.0.1:0: " + ec.message());
  return acceptor.local_endpoint().port();
}

}  // namespace hvo::net
