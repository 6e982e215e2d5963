// The persisted instance record and the journal survive a round trip; the credential secret stays apart.
#include "instance_record.h"
#include "journal.h"

#include "tenant_fakes.h"

#include <doctest/doctest.h>

using namespace m365;

TEST_SUITE("instance record") {
    TEST_CASE("round trip keeps ids thumbprints validity permissions and audit") {
        InstanceRecord record;
        record.tenantId = "11111111-2222-3333-4444-555555555555";
        record.tenantDomain = "contoso.onmicrosoft.com";
        record.initialDomain = "contoso.onmicrosoft.com";
        record.sharepointHost = "contoso.sharepoint.com";
        record.cloud = cloudEndpoints("global");
        record.appId = "aaaaaaaa-0000-4000-8000-000000000001";
        record.applicationObjectId = "bbbbbbbb-0000-4000-8000-000000000002";
        record.servicePrincipalId = "cccccccc-0000-4000-8000-000000000003";
        record.workloads = {"exchange"};
        record.permissions = {{"graph", "Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "assignment"}};
        record.certificate = {"credential.abc", "ABC",         "DEF",         "key-id",
                              "CN=x",           1'700'000'000, 1'800'000'000, 2048};
        AuditEntry audit;
        audit.action = "setup";
        audit.signedInUpn = "admin@contoso.onmicrosoft.com";
        audit.requestIds = {"r1", "r2"};
        record.audit = {audit};

        auto copy = InstanceRecord::fromJson(record.toJson());
        CHECK(copy.tenantId == record.tenantId);
        CHECK(copy.cloud.graphHost == "https://graph.microsoft.com");
        CHECK(copy.appId == record.appId);
        CHECK(copy.certificate.thumbprintSha256 == "DEF");
        CHECK(copy.certificate.notAfter == 1'800'000'000);
        CHECK(copy.permissions.at(0).appRoleId == "810c84a8-4a9e-49e6-bf7d-12d183f40d01");
        CHECK(copy.audit.at(0).signedInUpn == "admin@contoso.onmicrosoft.com");
        CHECK(copy.audit.at(0).requestIds.size() == 2);
        CHECK(copy.resourceAudience("sharepoint") == "https://contoso.sharepoint.com");
        CHECK(copy.resourceAudience("exchange") == "https://outlook.office365.com");
        CHECK(record.toJson().find("PRIVATE KEY") == std::string::npos);
    }

    TEST_CASE("unreadable or newer records are refused with stable codes") {
        CHECK_THROWS_WITH_AS(InstanceRecord::fromJson("{"), doctest::Contains("not readable"), wp::Error);
        try {
            InstanceRecord::fromJson(R"({"schema":99})");
            FAIL("expected an error");
        } catch (const wp::Error& e) {
            CHECK(e.code() == "state.schema_unsupported");
        }
    }

    TEST_CASE("a record whose ids or SharePoint host would smuggle a path or query is refused as corrupt") {
        InstanceRecord record;
        record.tenantId = "11111111-2222-3333-4444-555555555555";
        record.sharepointHost = "contoso.sharepoint.com";
        record.cloud = cloudEndpoints("global");
        record.appId = "aaaaaaaa-0000-4000-8000-000000000001";
        record.applicationObjectId = "bbbbbbbb-0000-4000-8000-000000000002";
        record.certificate = {"credential.abc", "ABC",         "DEF",         "key-id",
                              "CN=x",           1'700'000'000, 1'800'000'000, 2048};
        CHECK_NOTHROW(InstanceRecord::fromJson(record.toJson()));
        auto refused = [](const InstanceRecord& damaged) {
            try {
                InstanceRecord::fromJson(damaged.toJson());
            } catch (const wp::Error& e) {
                return e.code() == "state.instance_corrupt" && e.status() == WP_E_INVALID_CONFIG;
            }
            return false;
        };
        for (const char* bad : {"aaaaaaaa-0000-4000-8000-000000000001')/owners?$filter=x", "../../me", "",
                                "aaaaaaaa-0000-4000-8000-00000000000%2F"}) {
            CAPTURE(bad);
            auto damaged = record;
            damaged.appId = bad;
            CHECK(refused(damaged));
            damaged = record;
            damaged.applicationObjectId = bad;
            CHECK(refused(damaged));
            damaged = record;
            damaged.tenantId = bad;
            CHECK(refused(damaged));
            if (*bad != '\0') {
                damaged = record;
                damaged.servicePrincipalId = bad;
                CHECK(refused(damaged));
            }
        }
        auto damaged = record;
        damaged.sharepointHost = "evil.example/x#";
        CHECK(refused(damaged));
    }

    TEST_CASE("ISO-8601 UTC times round trip") {
        CHECK(isoTime(0) == "1970-01-01T00:00:00Z");
        CHECK(parseIsoTime(isoTime(1'764'406'800)) == 1'764'406'800);
        CHECK(parseIsoTime("garbage") == 0);
    }

    TEST_CASE("the credential secret holds key and certificate PEM") {
        auto secret =
            credentialSecretJson("-----BEGIN PRIVATE KEY-----\nAAA\n", "-----BEGIN CERTIFICATE-----\nBBB\n");
        auto parsed = parseCredentialSecret(secret.view());
        CHECK(parsed.privateKeyPem.view() == "-----BEGIN PRIVATE KEY-----\nAAA\n");
        CHECK(parsed.certificatePem == "-----BEGIN CERTIFICATE-----\nBBB\n");
        CHECK_THROWS_AS(parseCredentialSecret("{}"), wp::Error);
    }
}

TEST_SUITE("journal") {
    TEST_CASE("one operation at a time and intents and ids are written before and after each create") {
        m365test::FakeHost fake;
        Journal journal(fake.host().config());
        JournalEntry entry;
        entry.operation = "setup";
        entry.runId = "run-1";
        entry.tenant = "tenant";
        entry.cloud = cloudEndpoints("global");
        journal.begin(entry);
        journal.intend("create_application");
        auto stored = Journal(fake.host().config()).peek();
        REQUIRE(stored);
        CHECK(stored->pendingStep == "create_application");
        CHECK(stored->applicationObjectId.empty());
        journal.record([](JournalEntry& e) { e.applicationObjectId = "obj-1"; });
        stored = Journal(fake.host().config()).peek();
        CHECK(stored->pendingStep.empty());
        CHECK(stored->applicationObjectId == "obj-1");
        CHECK(stored->marker() == "wp-run-run-1");

        Journal second(fake.host().config());
        try {
            second.begin(entry);
            FAIL("a second operation must not start");
        } catch (const wp::Error& e) {
            CHECK(e.code() == "journal.busy");
            CHECK(e.status() == WP_E_CONFLICT);
        }
        journal.finish();
        CHECK_FALSE(Journal(fake.host().config()).peek());
    }

    TEST_CASE("an interrupted run's journal is resumed and finished by the next one") {
        m365test::FakeHost fake;
        {
            Journal crashed(fake.host().config());
            JournalEntry entry;
            entry.operation = "setup";
            entry.runId = "run-2";
            crashed.begin(entry);
            crashed.intend("create_application");
        } // the process "dies" here
        Journal next(fake.host().config());
        REQUIRE(next.resume());
        CHECK(next.entry().pendingStep == "create_application");
        next.finish();
        CHECK(fake.config.snapshot().empty());
    }
}
