// qr_text.hpp -- a QR code drawn with Unicode half blocks, so a phone can open a sign-in URI from a terminal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wphost {

/// Encodes `text` (byte mode, error correction level L, libqrencode) and draws it two module rows per
/// line with a 2-module quiet zone.  Light modules are drawn as blocks and dark ones as blanks, the way
/// `qrencode -t UTF8` does, which scans on the usual light-on-dark terminal.  Empty if encoding fails
/// (text too long for a QR code).
std::vector<std::string> qrTextLines(std::string_view text);

/// The module matrix itself (true = dark), quiet zone excluded; empty if encoding fails.  For tests.
std::vector<std::vector<bool>> qrModules(std::string_view text);

} // namespace wphost
