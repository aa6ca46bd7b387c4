#include "process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "load.hpp"

extern char** environ;

namespace idledger::bench {

/// Starts a process and reads its stdout until a line reveals the port ("...:PORT" or "on PORT").
Child spawn_and_wait_port(std::vector<std::string> args, const std::vector<std::string>& extra_env,
                          const std::string& ready_line) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
    for (const auto& e : extra_env) env_store.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);
    Child c;
    if (posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0)
        throw std::runtime_error("cannot start " + args[0]);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    FILE* in = fdopen(fds[0], "r");
    char line[512];
    bool ready = false;
    while (std::fgets(line, sizeof line, in)) {
        std::string s(line);
        if (!ready_line.empty()) {
            if (s.find(ready_line) == std::string::npos) continue;
            ready = true;
            break;
        }
        auto pos = s.find("listening on ");
        if (pos == std::string::npos) continue;
        auto colon = s.rfind(':');
        std::string num =
            colon != std::string::npos && colon > pos ? s.substr(colon + 1) : s.substr(pos + 13);
        c.port = uint16_t(std::stoi(num));
        break;
    }
    // Keep draining the child's stdout so it never blocks on a full pipe.
    std::thread([in] {
        char b[512];
        while (std::fgets(b, sizeof b, in)) {
        }
        fclose(in);
    }).detach();
    if (!c.port && !ready) throw std::runtime_error("no port from " + args[0]);
    return c;
}

Child serve(const std::string& idledger, const std::filesystem::path& data_dir,
            const std::string& token) {
    return spawn_and_wait_port(
        {idledger, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.string()},
        {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
}

ChildScope::~ChildScope() {
    stop(child);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

void stop(Child& c, int sig) {
    if (c.pid > 0) {
        kill(c.pid, sig);
        int st = 0;
        waitpid(c.pid, &st, 0);
        c.pid = -1;
    }
}

std::string http_request(const std::string& method, const std::string& path,
                         const std::string& token, const std::string& body,
                         const std::string& extra_headers) {
    std::string r = method + " " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n" + extra_headers;
    if (!token.empty()) r += "Authorization: SSWS " + token + "\r\n";
    if (!body.empty() || method == "POST")
        r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    r += "\r\n" + body;
    return r;
}

std::string create_user_request(const std::string& token, const std::string& login,
                                const std::string& last_name, const std::string& query,
                                const std::string& credentials) {
    std::string body = R"({"profile":{"firstName":"Bench","lastName":")" + last_name +
                       R"(","email":")" + login + R"(","login":")" + login + R"("})";
    if (!credentials.empty()) body += R"(,"credentials":)" + credentials;
    body += "}";
    return http_request("POST", "/api/v1/users" + query, token, body);
}

std::vector<std::string> created_ids(const std::vector<std::string>& bodies) {
    std::vector<std::string> ids;
    for (const auto& b : bodies)
        if (auto p = b.find("\"id\":\""); p != std::string::npos)
            ids.push_back(b.substr(p + 6, 20));
    return ids;
}

namespace {
LoadResult one_request(uint16_t port, const std::string& request) {
    LoadSpec s;
    s.port = port;
    s.connections = 1;
    s.max_requests = 1;
    s.keep_bodies = true;
    s.duration = std::chrono::milliseconds(30'000);
    s.make_request = [&](uint64_t) { return request; };
    return run_load(s);
}
}  // namespace

std::string request_once(uint16_t port, const std::string& request) {
    auto r = one_request(port, request);
    if (r.requests != 1 || r.non_2xx != 0)
        throw std::runtime_error("request failed: " + request.substr(0, request.find('\r')));
    return r.bodies.empty() ? "" : r.bodies[0];
}

std::string json_string(const std::string& body, const std::string& key) {
    const std::string open = "\"" + key + "\":\"";
    const size_t at = body.find(open);
    if (at == std::string::npos)
        throw std::runtime_error("no " + key + " in: " + body.substr(0, 200));
    const size_t from = at + open.size();
    return body.substr(from, body.find('"', from) - from);
}

std::string fetch_once(uint16_t port, const std::string& path, const std::string& token) {
    auto r = one_request(port, http_request("GET", path, token, ""));
    return r.bodies.empty() ? "" : r.bodies[0];
}

double metric(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
    return 0;
}

double rss_mb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:")) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

uintmax_t disk_bytes(const std::filesystem::path& dir) {
    uintmax_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (it->is_regular_file() && ::stat(it->path().c_str(), &st) == 0)
            total += uintmax_t(st.st_blocks) * 512;
    }
    return total;
}

std::string surname(uint64_t n) {
    const uint64_t k = (n * 7919) % 1000;
    std::string s = "S";
    s.push_back(char('a' + k / 100));
    s.push_back(char('a' + k / 10 % 10));
    s.push_back(char('a' + k % 10));
    return s + "ington";
}

std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out.push_back(char(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    uint16_t port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) ::close(fd);
    if (port == 0) throw std::runtime_error("no free loopback port");
    return port;
}

}  // namespace idledger::bench

namespace idledger::bench {
namespace {

/// (name, user + system CPU seconds) from a /proc/.../stat file.
std::pair<std::string, double> stat_cpu(const std::filesystem::path& stat) {
    std::ifstream in(stat);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; rest >> field; ++i) {
        if (i == 14) utime = std::stod(field);
        if (i == 15) {
            stime = std::stod(field);
            break;
        }
    }
    return {text.substr(open + 1, close - open - 1),
            (utime + stime) / double(::sysconf(_SC_CLK_TCK))};
}

}  // namespace

double cpu_seconds(pid_t pid) { return stat_cpu("/proc/" + std::to_string(pid) + "/stat").second; }

std::map<std::string, double> thread_cpu_seconds(pid_t pid) {
    std::map<std::string, double> out;
    std::error_code ec;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        auto [name, seconds] = stat_cpu(task.path() / "stat");
        if (!name.empty()) out[name] += seconds;
    }
    return out;
}

}  // namespace idledger::bench
