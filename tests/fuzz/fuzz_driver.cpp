// Replays a fuzz target's corpus, then deterministic mutations of it, through
// LLVMFuzzerTestOneInput. Built as an ordinary executable so ctest runs it under the sanitizers;
// the same target sources build with -fsanitize=fuzzer under clang for real fuzzing.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
        return 2;
    }
    std::vector<std::string> corpus;
    for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        corpus.push_back(ss.str());
    }
    for (const auto& c : corpus)
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(c.data()), c.size());
    const int mutations = argc > 2 ? std::atoi(argv[2]) : 20000;
    std::mt19937 rng(12345);
    for (int i = 0; i < mutations && !corpus.empty(); ++i) {
        std::string s = corpus[rng() % corpus.size()];
        int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            size_t pos = s.empty() ? 0 : rng() % s.size();
            switch (rng() % 4) {
                case 0:
                    if (!s.empty()) s[pos] = char(rng() % 256);
                    break;
                case 1:
                    s.insert(pos, 1, char(rng() % 256));
                    break;
                case 2:
                    if (!s.empty()) s.erase(pos, 1 + rng() % 4);
                    break;
                case 3:
                    s.insert(pos, corpus[rng() % corpus.size()].substr(0, 16));
                    break;
            }
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
    std::printf("%zu corpus inputs and %d mutations ran clean\n", corpus.size(), mutations);
    return 0;
}
