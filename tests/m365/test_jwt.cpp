// base64url, client assertions, key-rollover proofs and the unverified JWT decoder.  Signatures are
// verified by the openssl CLI, independently of the code that made them.
#include "jwt.h"
#include "support/shared_credential.h"
#include "support/test_process.h"

#include <wp/error.hpp>

#include <doctest/doctest.h>

#include <set>

using namespace m365;
using namespace m365test;

namespace {

struct Parts {
    std::string header, payload, signature, signingInput;
};

Parts split(std::string_view jwt) {
    std::size_t a = jwt.find('.'), b = jwt.find('.', a + 1);
    REQUIRE(a != std::string_view::npos);
    REQUIRE(b != std::string_view::npos);
    return Parts{std::string(jwt.substr(0, a)), std::string(jwt.substr(a + 1, b - a - 1)),
                 std::string(jwt.substr(b + 1)), std::string(jwt.substr(0, b))};
}

/// True if `openssl dgst` accepts the JWS signature with the given padding options.
bool opensslVerifies(std::string_view jwt, const std::vector<std::string>& paddingOptions) {
    const auto& cred = sharedCredential();
    TempDir dir;
    dir.write("cert.pem", cred.certificate.pem);
    dir.write("pub.pem", openssl({"x509", "-in", dir.file("cert.pem"), "-pubkey", "-noout"}));
    Parts parts = split(jwt);
    dir.write("input", parts.signingInput);
    dir.write("sig", base64UrlDecode(parts.signature));
    std::vector<std::string> argv{M365_TEST_OPENSSL, "dgst", "-sha256", "-verify", dir.file("pub.pem")};
    argv.insert(argv.end(), paddingOptions.begin(), paddingOptions.end());
    argv.insert(argv.end(), {"-signature", dir.file("sig"), dir.file("input")});
    return run(argv).exitCode == 0;
}

const std::vector<std::string> kPss{"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                                    "-sigopt", "rsa_mgf1_md:sha256"};
const std::vector<std::string> kPkcs1{"-sigopt", "rsa_padding_mode:pkcs1"};

} // namespace

TEST_CASE("base64url encodes without padding and decodes strictly") {
    CHECK(base64UrlEncode("") == "");
    CHECK(base64UrlEncode("f") == "Zg");
    CHECK(base64UrlEncode("fo") == "Zm8");
    CHECK(base64UrlEncode("foo") == "Zm9v");
    CHECK(base64UrlEncode("\xfb\xff\xfe") == "-__-");
    CHECK(base64UrlDecode("-__-") == "\xfb\xff\xfe");
    CHECK(base64UrlDecode("Zm8") == "fo");
    CHECK(base64UrlDecode("Zm8=") == "fo");
    CHECK_THROWS_AS(base64UrlDecode("+//+"), wp::Error); // standard alphabet is not base64url
    CHECK_THROWS_AS(base64UrlDecode("Z"), wp::Error);
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    CHECK(base64UrlDecode(base64UrlEncode(all)) == all);
    const unsigned char bytes[] = {0x00, 0xAB, 0xFF};
    CHECK(toHexUpper(bytes, 3) == "00ABFF");
    CHECK(base64Standard(bytes, 3) == "AKv/");
}

TEST_CASE("a client assertion carries the documented header and claims, PS256 by default") {
    const auto& cred = sharedCredential();
    const std::string endpoint =
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    ClientAssertionBuilder builder(cred.key, cred.certificate, endpoint,
                                   "11111111-2222-3333-4444-555555555555");
    SecretBuffer assertion = builder.build(1'800'000'000);
    JwtClaims claims = decodeJwtUnverified(assertion.view());

    CHECK(claims.header->getValue<std::string>("alg") == "PS256");
    CHECK(claims.header->getValue<std::string>("typ") == "JWT");
    CHECK(claims.header->getValue<std::string>("x5t#S256") == cred.certificate.x5tS256);
    CHECK_FALSE(claims.header->has("x5t"));
    CHECK(claims.string("aud") == endpoint);
    CHECK(claims.string("iss") == "11111111-2222-3333-4444-555555555555");
    CHECK(claims.string("sub") == "11111111-2222-3333-4444-555555555555");
    CHECK(claims.integer("nbf") == 1'800'000'000);
    CHECK(claims.integer("iat") == 1'800'000'000);
    CHECK(claims.integer("exp") == 1'800'000'600);
    // NumericDates are integers in the JSON text, not 1.8e9 or 1800000000.0.
    CHECK(base64UrlDecode(split(assertion.view()).payload).find("\"exp\":1800000600}") != std::string::npos);
    std::string jti = claims.string("jti").value_or("");
    CHECK(jti.size() == 36);
    CHECK(jti[14] == '4');

    CHECK(opensslVerifies(assertion.view(), kPss));
    CHECK_FALSE(opensslVerifies(assertion.view(), kPkcs1));
    CHECK(split(assertion.view()).signature.find('=') == std::string::npos);
}

TEST_CASE("every assertion has a fresh jti - the header segment is computed once") {
    const auto& cred = sharedCredential();
    ClientAssertionBuilder builder(cred.key, cred.certificate, "https://login.example/t/oauth2/v2.0/token",
                                   "app");
    std::set<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        SecretBuffer assertion = builder.build();
        CHECK(split(assertion.view()).header + "." == builder.headerSegment());
        ids.insert(decodeJwtUnverified(assertion.view()).string("jti").value_or(""));
    }
    CHECK(ids.size() == 20);
}

TEST_CASE("profile B: RS256 with x5t, and a configurable lifetime") {
    const auto& cred = sharedCredential();
    ClientAssertionBuilder builder(cred.key, cred.certificate, "https://login.example/t/oauth2/v2.0/token",
                                   "app", AssertionProfile::RS256WithX5t, std::chrono::minutes(5));
    SecretBuffer assertion = builder.build(1000);
    JwtClaims claims = decodeJwtUnverified(assertion.view());
    CHECK(claims.header->getValue<std::string>("alg") == "RS256");
    CHECK(claims.header->getValue<std::string>("x5t") == cred.certificate.x5t);
    CHECK_FALSE(claims.header->has("x5t#S256"));
    CHECK(claims.integer("exp") == 1300);
    CHECK(opensslVerifies(assertion.view(), kPkcs1));
    CHECK_FALSE(opensslVerifies(assertion.view(), kPss));
    CHECK_THROWS_AS(ClientAssertionBuilder(cred.key, cred.certificate, "https://x", "app",
                                           AssertionProfile::RS256WithX5t, std::chrono::seconds(5)),
                    wp::Error);
}

TEST_CASE("the key rollover proof targets Azure AD Graph with the application object id") {
    const auto& cred = sharedCredential();
    SecretBuffer proof = buildKeyRolloverProof(*cred.key, cred.certificate, "0bject-id", 2'000'000'000);
    JwtClaims claims = decodeJwtUnverified(proof.view());
    CHECK(claims.header->getValue<std::string>("alg") == "RS256");
    CHECK(claims.header->getValue<std::string>("x5t") == cred.certificate.x5t);
    CHECK(claims.header->getValue<std::string>("kid") == cred.certificate.thumbprintSha1);
    CHECK(claims.string("aud") == "00000002-0000-0000-c000-000000000000");
    CHECK(claims.string("iss") == "0bject-id");
    CHECK(claims.integer("nbf") == 2'000'000'000);
    CHECK(claims.integer("exp") == 2'000'000'600);
    CHECK(proof.view().find('=') == std::string_view::npos);
    CHECK(opensslVerifies(proof.view(), kPkcs1));
}

TEST_CASE("decoding reads roles, tid, wids, upn and exp, and rejects malformed tokens clearly") {
    std::string header = base64UrlEncode(R"({"alg":"RS256","typ":"JWT"})");
    std::string payload = base64UrlEncode(
        R"({"tid":"t-1","roles":["Mail.Read","Sites.Read.All"],"wids":["62e90394-69f5-4237-9190-012177145e10"],"upn":"admin@contoso.onmicrosoft.com","exp":1800000000,"scp":"Application.ReadWrite.All User.Read"})");
    JwtClaims claims = decodeJwtUnverified(header + "." + payload + ".sig");
    CHECK(claims.string("tid") == "t-1");
    CHECK(claims.strings("roles") == std::vector<std::string>{"Mail.Read", "Sites.Read.All"});
    CHECK(claims.strings("wids").size() == 1);
    CHECK(claims.string("upn") == "admin@contoso.onmicrosoft.com");
    CHECK(claims.integer("exp") == 1'800'000'000);
    CHECK(claims.scopes() == std::vector<std::string>{"Application.ReadWrite.All", "User.Read"});
    CHECK_FALSE(claims.string("missing").has_value());

    auto reason = [](const std::string& token) -> std::string {
        try {
            decodeJwtUnverified(token);
        } catch (const wp::Error& e) {
            CHECK(e.code() == "jwt.malformed");
            CHECK(e.status() == WP_E_INVALID_ARGUMENT);
            return e.what();
        }
        return "accepted";
    };
    CHECK(reason("abc").find("three parts") != std::string::npos);
    CHECK(reason("a.b.c.d").find("three parts") != std::string::npos);
    CHECK(reason("." + payload + ".s").find("empty") != std::string::npos);
    CHECK(reason("%%%." + payload + ".s").find("header is not base64url") != std::string::npos);
    CHECK(reason(header + "." + base64UrlEncode("[1,2]") + ".s").find("payload is not a JSON object") !=
          std::string::npos);
    CHECK(reason(header + "." + base64UrlEncode("{not json") + ".s").find("payload") != std::string::npos);
    // The message never echoes the token.
    CHECK(reason("secretsecret.x").find("secretsecret") == std::string::npos);
}
