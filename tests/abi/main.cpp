// The doctest runner of the ABI tests; the tests are in *_tests.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
