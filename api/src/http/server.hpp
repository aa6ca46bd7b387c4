#pragma once
// The HTTP/1.1 front end (Boost.Beast, async, keep-alive, thread pool). Beast stays inside
// server.cpp; callers see plain HttpRequest/HttpResponse.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace idledger::api {

struct ServerConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0: any free port
    int io_threads = 2;
    size_t body_limit = 1 << 20;
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds idle_timeout{75};
    /// Open client connections at the most (0: derived from the descriptor limit, keeping
    /// kDescriptorReserve for the store, e-mail files and Kafka). At the cap, an idle connection
    /// that has not shown a working token is closed to make room; if none is, the new one is.
    size_t max_connections = 0;
    /// Called with the bound port after binding and before the first connection is accepted
    /// (what depends on the port, like the default public URL, is set there, race-free).
    std::function<void(uint16_t port)> on_bound;
};

/// Descriptors never given to client connections (RocksDB files, e-mail files, Kafka sockets).
inline constexpr size_t kDescriptorReserve = 512;

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns the limit now in force.
size_t raise_descriptor_limit();

/// Called on an I/O thread for every request; must call `respond` exactly once, from any thread.
using RequestHandler =
    std::function<void(HttpRequest&& request, std::function<void(HttpResponse&&)> respond)>;

class HttpServer {
  public:
    HttpServer(ServerConfig config, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts the I/O threads; returns the bound port.
    uint16_t start();
    /// Blocks until SIGINT or SIGTERM arrives (or stop() is called from another thread).
    void wait_for_shutdown_signal();
    /// Runs `fn` on one of the I/O threads. Thread-safe.
    void post(std::function<void()> fn);
    /// Stops accepting, lets in-flight requests finish (bounded), closes connections, joins.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace idledger::api
