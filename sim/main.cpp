// The chainsim command. Subcommands are registered in sim/cli/*.cpp.
#include <cstdio>

int main(int argc, char** argv) {
    (void)argv;
    if (argc < 2) std::fputs("usage: chainsim <command> ...\n", stderr);
    std::fputs("chainsim: no commands are built yet\n", stderr);
    return 2;
}
