package io.accountlifecycle.service.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With an external issuer (here a JWK set served over HTTP, as an identity provider serves its keys), a token is
 * accepted only if it names this service's audience ({@code account.security.audience}): one the issuer minted for
 * another service, or for no audience, is refused over HTTP ({@code 401}) and on {@code account.commands}
 * ({@code REJECTED}), signature and scopes notwithstanding.
 */
@RealPostgres(database = ExternalIssuerIT.DATABASE)
@RealKafka
class ExternalIssuerIT {

    static final String DATABASE = "accounts_external_issuer";
    private static final String GROUP = "external-issuer-it";
    private static final String AUDIENCE = "account-service";

    private static RSAKey issuerKey;
    private static HttpServer jwks;
    private static ConfigurableApplicationContext service;
    private static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("external-1").generate();
        byte[] keySet = new JWKSet(issuerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            exchange.getResponseBody().write(keySet);
            exchange.close();
        });
        jwks.start();
        TopicReader.startGroupAtEnd(GROUP, KafkaTopics.COMMANDS);
        service = ServiceInstances.start(DATABASE, GROUP,
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:"
                + jwks.getAddress().getPort() + "/jwks",
                "--account.security.audience=" + AUDIENCE);
        http = new HttpJson(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    /** A token signed by the external issuer's key for {@code audiences} (none: no {@code aud} claim). */
    private static String issued(String subject, List<String> scopes, String... audiences) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("https://login.example.test/realms/accounts")
                                                                .subject(subject).issueTime(Date.from(now))
                                                                .expirationTime(Date.from(now.plusSeconds(600)))
                                                                .claim("scope", String.join(" ", scopes));
        if (audiences.length > 0) {
            claims.audience(List.of(audiences));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuerKey.getKeyID()).build(),
                                      claims.build());
        jwt.sign(new RSASSASigner(issuerKey));
        return jwt.serialize();
    }

    @Test
    void overHttpOnlyATokenForThisServicesAudienceIsAccepted() throws Exception {
        List<String> scopes = List.of(Scopes.WRITE, Scopes.READ);
        UUID id = UUID.randomUUID();
        String body = openAccountJson(id, "aud@example.com", "Aud", "FREE");

        for (String refused : List.of(issued("alice", scopes, "billing-service"), issued("alice", scopes),
                                      // The local key is not trusted once an external issuer is.
                                      TestTokens.mint(service, "alice", scopes))) {
            HttpJson.Response response = http.withToken(refused).post("/accounts", body);
            assertThat(response.status()).as(response.raw()).isEqualTo(401);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(http.withToken(issued("alice", scopes, AUDIENCE)).get("/accounts/" + id).status())
                .as("nothing was created by a refused token").isEqualTo(404);

        HttpJson.Response created = http.withToken(issued("alice", scopes, "billing-service", AUDIENCE))
                                        .post("/accounts", body);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(http.withToken(issued("alice", scopes, AUDIENCE)).get("/accounts/" + id).status()).isEqualTo(200);
    }

    @Test
    void onKafkaACommandWhoseTokenIsForAnotherAudienceIsRejected() throws Exception {
        UUID wrongAudience = UUID.randomUUID();
        UUID wrongCommand = UUID.randomUUID();
        UUID rightAudience = UUID.randomUUID();
        try (TopicReader results = new TopicReader(KafkaTopics.COMMAND_RESULTS)) {
            TopicReader.sendCommand(wrongAudience.toString(), openAccount(wrongCommand, wrongAudience),
                                    issued("billing-service", List.of(Scopes.WRITE), "billing-service"));
            TopicReader.sendCommand(rightAudience.toString(), openAccount(UUID.randomUUID(), rightAudience),
                                    issued("billing-service", List.of(Scopes.WRITE), AUDIENCE));

            HttpJson reader = http.withToken(issued("reader", List.of(Scopes.READ), AUDIENCE));
            await().atMost(Duration.ofSeconds(30)).until(() -> reader.get("/accounts/" + rightAudience).status()
                                                                == 200);
            // Other tests' services on the shared broker answer too (refusing the unknown key): this one's answer
            // is the one that names the audience.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(results.values(
                    r -> r.get("commandId").asString().equals(wrongCommand.toString())))
                    .anySatisfy(r -> {
                        assertThat(r.get("status").asString()).isEqualTo("REJECTED");
                        assertThat(r.get("reason").asString()).contains("aud");
                    }));
            assertThat(reader.get("/accounts/" + wrongAudience).status()).isEqualTo(404);
        }
    }

    private static String openAccount(UUID commandId, UUID accountId) {
        return """
               {"commandId":"%s","type":"OpenAccount","accountId":"%s","issuedBy":"billing",
                "payload":{"email":"%s@example.com","displayName":"Audience","plan":"FREE"}}"""
                .formatted(commandId, accountId, accountId);
    }
}
