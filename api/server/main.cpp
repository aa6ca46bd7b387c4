#include "cli.hpp"

int main(int argc, char** argv) { return idledger::api::run_cli(argc, argv); }
