// Appends forever from many threads; prints "stream version" for each acknowledged append, then
// flushes stdout. The crash test SIGKILLs this process and checks every printed append survived.

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "idledger/eventstore/event_store.hpp"

using namespace idledger::eventstore;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    Options o;
    o.path = argv[1];
    o.extra_column_families = {"model"};
    auto store = EventStore::open(std::move(o));
    if (!store) {
        std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
        return 1;
    }
    std::mutex out;
    std::vector<std::thread> threads;
    for (int t = 0; t < 32; ++t) {
        threads.emplace_back([&, t] {
            const std::string stream = "stream-" + std::to_string(t);
            for (;;) {
                uint64_t version = 0;
                auto r = (*store)
                             ->submit([&](Transaction& tx) {
                                 auto current = tx.stream_version(stream);
                                 if (!current) return Outcome::Abort;
                                 auto a = tx.append(
                                     stream, *current,
                                     {{"Appended", std::string(200, char('a' + t % 26)), "m"}});
                                 if (!a) return Outcome::Abort;
                                 version = a->stream_version;
                                 tx.put("model", stream, std::to_string(version));
                                 return Outcome::Commit;
                             })
                             .get();
                if (!r || r->aborted) return;
                std::lock_guard lock(out);
                std::printf("%s %llu\n", stream.c_str(), (unsigned long long)version);
                std::fflush(stdout);
            }
        });
    }
    for (auto& t : threads) t.join();
}
