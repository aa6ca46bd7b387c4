#pragma once
// Child processes and small HTTP helpers for the benchmark.

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace idledger::bench {

struct Child {
    pid_t pid = -1;
    uint16_t port = 0;
};

/// Starts a process and reads its stdout until a line reveals the port ("...:PORT" or "on PORT"),
/// or, with `ready_line`, until a line contains it (no port then).
Child spawn_and_wait_port(std::vector<std::string> args, const std::vector<std::string>& extra_env,
                          const std::string& ready_line = "");
void stop(Child& c, int sig = SIGTERM);
/// `idledger serve` on a free loopback port over `data_dir`, its bootstrap token `token`.
Child serve(const std::string& idledger, const std::filesystem::path& data_dir,
            const std::string& token);
/// Stops `child` and removes `dir` when the scope ends, however it ends.
struct ChildScope {
    Child& child;
    std::filesystem::path dir;
    ~ChildScope();
};
/// The bytes of one HTTP/1.1 request; `extra_headers` are full lines ending in CRLF.
std::string http_request(const std::string& method, const std::string& path,
                         const std::string& token, const std::string& body,
                         const std::string& extra_headers = "");
/// POST /api/v1/users`query` for a user with this login; `credentials` is a JSON object or "".
std::string create_user_request(const std::string& token, const std::string& login,
                                const std::string& last_name, const std::string& query = "",
                                const std::string& credentials = "");
/// The ids of the users in create responses.
std::vector<std::string> created_ids(const std::vector<std::string>& bodies);
/// One request on one connection; its body (throws unless the answer is 2xx).
std::string request_once(uint16_t port, const std::string& request);
/// The string value of the first `"key":"..."` in a JSON text (throws when there is none).
std::string json_string(const std::string& body, const std::string& key);
/// One GET (with an SSWS token when one is given), its body; empty when there was none.
std::string fetch_once(uint16_t port, const std::string& path, const std::string& token = "");
/// 1,000 surnames "S" + three letters + "ington": one is 0.1 % of users, a three-character
/// prefix ~1 %.
std::string surname(uint64_t n);
/// Percent-encodes everything but letters, digits, '-', '_' and '.' (a query parameter).
std::string url_encode(const std::string& s);
/// A loopback TCP port that was free a moment ago (bound to port 0 and released).
uint16_t free_port();
/// A process's resident memory (VmRSS), MB; 0 when it is gone.
double rss_mb(pid_t pid);
/// The bytes a directory's files take on disk (allocated blocks, so sparse files count as
/// written).
uintmax_t disk_bytes(const std::filesystem::path& dir);
/// CPU seconds a process has used (user + system, all its threads).
double cpu_seconds(pid_t pid);
/// CPU seconds each of a process's live threads has used, summed by thread name.
std::map<std::string, double> thread_cpu_seconds(pid_t pid);
/// The value of a Prometheus line `name value`.
double metric(const std::string& text, const std::string& name);

}  // namespace idledger::bench
