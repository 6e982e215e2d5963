// m365-emulator: an offline Entra ID + Microsoft Graph emulator on loopback TLS (see docs/emulator.md).
#include <iostream>

int main() {
    std::cerr << "m365-emulator: server not assembled yet\n";
    return 2;
}
