// SIGKILL a process in the middle of a sustained append load; reopen; every acknowledged append
// is there, the log has no gap and no half-written record, and read models match the log.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "idledger/eventstore/event_store.hpp"
#include "temp_dir.hpp"

using namespace idledger::eventstore;

extern char** environ;

TEST(EventStoreCrash, SigkillLosesNoAcknowledgedAppend) {
    TempDir dir;
    for (int round = 0; round < 3; ++round) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::string child = CRASH_CHILD, path = dir.str();
        char* argv[] = {child.data(), path.data(), nullptr};
        pid_t pid = 0;
        ASSERT_EQ(posix_spawn(&pid, child.c_str(), &actions, nullptr, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);

        // Read acknowledgements until enough arrived (new ones in this round), then kill.
        std::map<std::string, uint64_t> acked;
        FILE* in = fdopen(fds[0], "r");
        char line[256];
        int seen = 0;
        while (std::fgets(line, sizeof line, in)) {
            std::istringstream ls(line);
            std::string stream;
            uint64_t v = 0;
            if (ls >> stream >> v) acked[stream] = std::max(acked[stream], v);
            if (++seen == 3000) {
                kill(pid, SIGKILL);
                break;
            }
        }
        // Acknowledgements already in the pipe when the kill landed count too.
        while (std::fgets(line, sizeof line, in)) {
            std::istringstream ls(line);
            std::string stream;
            uint64_t v = 0;
            if (ls >> stream >> v) acked[stream] = std::max(acked[stream], v);
        }
        fclose(in);
        int status = 0;
        waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "child exited on its own in round " << round;
        ASSERT_GT(seen, 100);

        Options o;
        o.path = dir.str();
        o.extra_column_families = {"model"};
        auto store = EventStore::open(std::move(o));
        ASSERT_TRUE(store) << store.error().message;
        auto all = (*store)->read_all(1, 10'000'000);
        ASSERT_TRUE(all) << all.error().message;
        std::map<std::string, uint64_t> versions;
        for (size_t i = 0; i < all->size(); ++i) {
            const auto& e = (*all)[i];
            ASSERT_EQ(e.position, i + 1);
            ASSERT_EQ(e.version, versions[e.stream] + 1);
            ASSERT_EQ(e.payload.size(), 200u) << "half-written record";
            versions[e.stream] = e.version;
        }
        for (const auto& [stream, v] : acked) {
            EXPECT_GE(versions[stream], v) << stream << " lost acknowledged appends";
            // The read model written in the same batch agrees with the log.
            auto model = (*store)->get("model", stream);
            ASSERT_TRUE(model && *model);
            EXPECT_EQ(std::stoull(**model), versions[stream]);
        }
        (*store)->close();
    }
}
