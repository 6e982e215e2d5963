// m365-emulator: an offline Entra ID + Microsoft Graph emulator on loopback TLS (see docs/emulator.md).
// Prints one JSON "ready" line on stdout, then serves until SIGTERM or SIGINT.
#include "emulator.h"

#include <Poco/Net/SSLManager.h>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    emu::Options options;
    try {
        options = emu::parseOptions(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        std::cerr << "m365-emulator: " << e.what() << "\n\n" << emu::usage();
        return 2;
    }
    if (options.help) {
        std::cout << emu::usage();
        return 0;
    }
    // Block the stop signals in every thread (the server's threads inherit the mask); sigwait below.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Poco::Net::initializeSSL();
    int exitCode = 0;
    try {
        emu::Emulator emulator(options);
        emulator.start();
        std::cout << emulator.readyInfo().dump() << std::endl; // endl flushes: readers wait for this line
        int received = 0;
        sigwait(&stopSignals, &received);
        std::cerr << "m365-emulator: stopping\n";
        emulator.stop();
    } catch (const std::exception& e) {
        std::cerr << "m365-emulator: " << e.what() << "\n";
        exitCode = 1;
    }
    Poco::Net::uninitializeSSL();
    return exitCode;
}
