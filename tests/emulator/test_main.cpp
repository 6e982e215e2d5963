// The one translation unit with doctest's main() for emulator_tests (other test_*.cpp must not define it).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
