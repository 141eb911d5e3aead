#pragma once
// A blocking HTTP/1.1 client for tests of the daemon's /metrics, /healthz and /readyz:
// one request per connection, as the listener serves them.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace ww::testing {

struct HttpReply {
    int status = 0;  // 0: the connection closed without a response
    std::string content_type;
    std::string body;
};

// Sends `raw` as is (so tests can send malformed or oversized requests) and reads one reply.
// `head`: the request was a HEAD, so the reply's Content-Length announces a body never sent.
inline HttpReply http_raw(unsigned short port, const std::string& raw, bool head = false) {
    namespace beast = boost::beast;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::system::error_code ec;
    boost::asio::write(socket, boost::asio::buffer(raw), ec);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.skip(head);
    beast::http::read(socket, buffer, parser, ec);
    HttpReply reply;
    if (ec) {
        return reply;
    }
    const auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.content_type = std::string(response[beast::http::field::content_type]);
    reply.body = response.body();
    return reply;
}

inline HttpReply http_get(unsigned short port, const std::string& target,
                          const std::string& method = "GET") {
    return http_raw(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    method == "HEAD");
}

}  // namespace ww::testing
