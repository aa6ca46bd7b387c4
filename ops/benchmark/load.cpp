#include "load.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace idledger::bench {

double LoadResult::percentile(double p) const {
    if (latencies_ms.empty()) return 0;
    size_t i = std::min(latencies_ms.size() - 1, size_t(p / 100.0 * double(latencies_ms.size())));
    return latencies_ms[i];
}

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
    int fd = -1;
    std::string out;
    size_t sent = 0;
    std::string in;
    Clock::time_point started;
    bool busy = false;
};

int connect_to(const std::string& host, uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + " failed");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/// Returns the length of one complete response at the front of `in`, or 0 if incomplete.
/// Sets `status` and `body`.
size_t complete_response(const std::string& in, int& status, std::string_view& body) {
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    status = std::atoi(in.c_str() + 9);
    size_t length = 0;
    size_t pos = 0;
    std::string_view head(in.data(), end);
    while ((pos = head.find('\n', pos)) != std::string_view::npos) {
        ++pos;
        if (head.size() - pos > 15 && strncasecmp(head.data() + pos, "content-length:", 15) == 0) {
            length = size_t(std::atol(head.data() + pos + 15));
            break;
        }
    }
    size_t total = end + 4 + length;
    if (in.size() < total) return 0;
    body = std::string_view(in.data() + end + 4, length);
    return total;
}

}  // namespace

LoadResult run_load(const LoadSpec& spec) {
    LoadResult result;
    int ep = epoll_create1(0);
    std::vector<Conn> conns(size_t(spec.connections));
    uint64_t issued = 0;
    auto start = Clock::now();
    auto deadline = start + spec.duration;
    auto issue = [&](Conn& c) {
        if ((spec.max_requests && issued >= spec.max_requests) || Clock::now() >= deadline) {
            c.busy = false;
            return;
        }
        c.out = spec.make_request(issued++);
        c.sent = 0;
        c.busy = true;
        c.started = Clock::now();
        ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) c.sent = size_t(n);
    };
    for (size_t i = 0; i < conns.size(); ++i) {
        conns[i].fd = connect_to(spec.host, spec.port);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
    for (auto& c : conns) issue(c);
    std::vector<epoll_event> events(conns.size());
    char buf[65536];
    for (;;) {
        bool any_busy =
            std::any_of(conns.begin(), conns.end(), [](const Conn& c) { return c.busy; });
        if (!any_busy) break;
        int n = epoll_wait(ep, events.data(), int(events.size()), 100);
        for (int k = 0; k < n; ++k) {
            Conn& c = conns[events[size_t(k)].data.u64];
            for (;;) {
                ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
                if (r > 0) {
                    c.in.append(buf, size_t(r));
                    continue;
                }
                break;
            }
            int status = 0;
            std::string_view body;
            while (size_t len = complete_response(c.in, status, body)) {
                double ms =
                    std::chrono::duration<double, std::milli>(Clock::now() - c.started).count();
                result.latencies_ms.push_back(ms);
                ++result.requests;
                if (status < 200 || status > 299) ++result.non_2xx;
                if (spec.keep_bodies) result.bodies.emplace_back(body);
                c.in.erase(0, len);
                issue(c);
            }
            if (c.busy && c.sent < c.out.size()) {
                ssize_t w =
                    ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
                if (w > 0) c.sent += size_t(w);
            }
        }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& c : conns) ::close(c.fd);
    ::close(ep);
    std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
    return result;
}

LoadResult measure(uint16_t port, int connections, std::chrono::milliseconds duration,
                   uint64_t max_requests, std::function<std::string(uint64_t)> make,
                   bool keep_bodies) {
    LoadSpec s;
    s.port = port;
    s.connections = connections;
    s.duration = duration;
    s.max_requests = max_requests;
    s.keep_bodies = keep_bodies;
    s.make_request = std::move(make);
    auto r = run_load(s);
    if (r.non_2xx) std::cerr << "  (" << r.non_2xx << " non-2xx answers)\n";
    return r;
}

}  // namespace idledger::bench
