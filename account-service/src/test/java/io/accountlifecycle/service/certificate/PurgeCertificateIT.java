package io.accountlifecycle.service.certificate;

import com.nimbusds.jose.jwk.JWKSet;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static io.accountlifecycle.service.ServiceInstances.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A purged account's certificate, fetched over HTTP with its keys, verifies as a third party would check it (the
 * {@code verify-certificate} command included), and its chain is the one the account's records on
 * {@code account.events} hash to; an account that is not purged has none.
 */
@RealPostgres(database = "accounts_certificate")
@RealKafka
class PurgeCertificateIT {

    private static final String KEYS = "/.well-known/purge-certificate-keys.json";

    @Test
    void aPurgedAccountsCertificateVerifiesWithThePublishedKeysAndTheTopicsRecords(@TempDir Path dir)
            throws Exception {
        UUID id = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        try (ConfigurableApplicationContext service = ServiceInstances.start("accounts_certificate", "certificate-it",
                                                                              "--account.purge.hold=PT1S");
             TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            HttpJson http = http(service);
            int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
            assertThat(http.post("/accounts", openAccountJson(id, "cert@example.com", "Certain", "FREE")).status())
                    .isEqualTo(201);
            assertThat(http.post("/accounts", openAccountJson(kept, "kept@example.com", "Kept", "FREE")).status())
                    .isEqualTo(201);
            assertThat(http.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer asked\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> http.get("/accounts/" + id).json().path("status").asString().equals("PURGED"));

            HttpJson.Response notPurged = http.get("/accounts/" + kept + "/purge-certificate");
            assertThat(notPurged.status()).isEqualTo(409);
            assertThat(notPurged.header("Content-Type")).startsWith("application/problem+json");
            assertThat(notPurged.json().get("title").asString()).isEqualTo("Account not purged");
            assertThat(http.get("/accounts/" + UUID.randomUUID() + "/purge-certificate").status()).isEqualTo(404);
            assertThat(ServiceInstances.http(service, "writer", Scopes.WRITE)
                                       .get("/accounts/" + id + "/purge-certificate").status()).isEqualTo(403);
            assertThat(new HttpJson(port).get("/accounts/" + id + "/purge-certificate").status()).isEqualTo(401);

            HttpJson.Response fetched = ServiceInstances.http(service, "auditor", Scopes.READ)
                                                        .get("/accounts/" + id + "/purge-certificate");
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(fetched.header("Content-Type")).startsWith("application/jose");
            String certificate = fetched.raw();

            // The keys, without a token, as anyone holding a certificate fetches them.
            HttpResponse<String> keys = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + KEYS)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(keys.statusCode()).isEqualTo(200);
            assertThat(keys.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/jwk-set+json");
            JWKSet published = JWKSet.parse(keys.body());
            assertThat(published.getKeys()).isNotEmpty().noneMatch(k -> k.isPrivate());

            PurgeCertificateClaims claims = CertificateVerifier.verify(certificate, published);
            assertThat(claims.accountId()).isEqualTo(id);
            assertThat(claims.destroyedDataKeyId()).isEqualTo(id.toString());
            assertThat(claims.requestKind()).isEqualTo("STANDARD");
            assertThat(claims.eventCount()).isEqualTo(4);
            assertThat(claims.erasureRequestedAt()).isBefore(claims.purgedAt());
            JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("select count(*) from account_data_key where key_id = ?", Integer.class,
                                           claims.destroyedDataKeyId())).as("the data key is destroyed").isZero();

            // The certificate is no access token: the service refuses it as one.
            assertThat(new HttpJson(port).withToken(certificate).get("/accounts/" + id).status()).isEqualTo(401);

            // The account's records on account.events, as a third party holds them, hash to the stated chain.
            await().atMost(Duration.ofSeconds(20)).until(() -> topic.values(
                    e -> e.path("accountId").asString().equals(id.toString())
                         && e.path("type").asString().equals("AccountPurged")).size() == 1);
            List<String> records = topic.poll().stream().filter(r -> id.toString().equals(r.key()))
                                        .map(ConsumerRecord::value).toList();
            String purgedAt = TopicReader.json(records.get(records.size() - 1)).get("occurredAt").asString();
            assertThat(claims.purgedAt()).isEqualTo(Instant.parse(purgedAt));
            Path file = dir.resolve("certificate.jws");
            Path events = dir.resolve("events.jsonl");
            Files.writeString(file, certificate);
            Files.write(events, records);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] verify = {"verify-certificate", file.toString(), "--jwks", "http://localhost:" + port + KEYS,
                               "--events", events.toString()};
            assertThat(VerifyCertificateCommand.run(verify, new PrintStream(out, true), new PrintStream(err, true)))
                    .as(err.toString()).isZero();
            assertThat(out.toString()).contains("chainHead: " + claims.chainHead(), "chain: the 4 events")
                                      .endsWith("valid\n");

            // One sealed field of one record changed: the chain no longer matches.
            String opened = records.get(0);
            String ciphertext = TopicReader.json(opened).at("/payload/email/ciphertext").asString();
            Files.write(events, records.stream().map(r -> r.equals(opened)
                    ? r.replace(ciphertext, ciphertext.substring(1) + ciphertext.charAt(0)) : r).toList());
            err.reset();
            assertThat(VerifyCertificateCommand.run(verify, new PrintStream(new ByteArrayOutputStream()),
                                                    new PrintStream(err, true))).isEqualTo(1);
            assertThat(err.toString()).contains("an event differs");

            // A changed certificate does not verify.
            String[] parts = certificate.split("\\.");
            Files.writeString(file, parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2]);
            assertThat(VerifyCertificateCommand.run(verify, new PrintStream(new ByteArrayOutputStream()),
                                                    new PrintStream(new ByteArrayOutputStream()))).isEqualTo(1);
        }
    }
}
