#pragma once
// The idledger command line: serve, replay, compact.

namespace idledger::api {

/// Runs `idledger <command> [options]`; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace idledger::api
