// parseIsoTime: the stored certificate dates and journal start times. Only the exact shape is accepted
// (the fuzzer found "!028-11-29T09:00:00Z" read as a date because Poco skips what it does not expect).
#include "instance_record.h"

#include <doctest/doctest.h>

using m365::parseIsoTime;

TEST_CASE("parseIsoTime accepts the ISO 8601 forms the plugin writes and Graph sends") {
    CHECK(parseIsoTime("2028-11-29T09:00:00Z") == 1'859'101'200);
    CHECK(parseIsoTime("2028-11-29T10:00:00+01:00") == 1'859'101'200);
    CHECK(parseIsoTime("2028-11-29T08:00:00-01:00") == 1'859'101'200);
}

TEST_CASE("parseIsoTime refuses anything but digits where digits belong") {
    for (const char* text : {"!028-11-29T09:00:00Z", "2028-11-29T09:00:00", "2028-11-29 09:00:00Z",
                             "2028-1a-29T09:00:00Z", "2028-11-29T09:00:00Zjunk", "2028-11-29T09:00:00+0100",
                             "2028-11-29T09:00:00.Z", " 2028-11-29T09:00:00Z", "2028-11-29T0 :00:00Z",
                             "+028-11-29T09:00:00Z", "2028-11-29T09:00:00+01:0x", ""}) {
        CAPTURE(text);
        CHECK(parseIsoTime(text) == 0);
    }
}

TEST_CASE("parseIsoTime refuses dates before 1970 (they did not survive a decode and encode round trip)") {
    CHECK(parseIsoTime("1014-11-29T09:00:00Z") == 0);
    CHECK(parseIsoTime("1969-12-31T23:59:59Z") == 0);
    CHECK(parseIsoTime("1970-01-01T00:00:00Z") == 0); // the epoch itself reads as "no date", as before
    CHECK(parseIsoTime("1970-01-01T00:00:01Z") == 1);
}
