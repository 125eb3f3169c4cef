package io.accountlifecycle.service.search;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Finding an account by email through the keyed MAC index, on a real PostgreSQL and Kafka: whatever the case and
 * surrounding space, by its new email only once it changed, never once purged, only for admins; the index is rebuilt
 * by a replay, analysts cannot read it, and no event holds the email in plaintext or its MAC.
 */
@RealPostgres(database = AccountSearchIT.DATABASE)
@RealKafka
class AccountSearchIT {

    static final String DATABASE = "accounts_search";

    private static ConfigurableApplicationContext service;
    private static HttpJson admin;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        service = ServiceInstances.start(DATABASE, "search-it", "--account.purge.hold=PT6S",
                                         "--account.kafka.intake.enabled=false");
        admin = ServiceInstances.http(service, "support-admin", Scopes.ADMIN, Scopes.WRITE, Scopes.DELETE,
                                      Scopes.READ);
        jdbc = service.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void anAccountIsFoundByItsEmailWhateverItsCaseAndSurroundingSpace() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID ada = open("Ada." + tag + "@Example.com", "PREMIUM");
        UUID grace = open("grace." + tag + "@example.com", "FREE");

        List<JsonNode> found = awaitFound("  ADA." + tag.toUpperCase(Locale.ROOT) + "@example.COM\t", 1);
        JsonNode match = found.get(0);
        assertThat(match.get("accountId").asString()).isEqualTo(ada.toString());
        assertThat(match.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(match.get("plan").asString()).isEqualTo("PREMIUM");
        assertThat(match.get("protected").asBoolean()).isFalse();
        assertThat(match.get("openedAt").asString()).isNotBlank();
        assertThat(match.has("purgeDueAt")).isTrue();
        assertThat(match.has("email")).as("no personal field in the answer").isFalse();

        assertThat(ids(search("grace." + tag + "@example.com"))).containsExactly(grace.toString());
        assertThat(search("nobody." + tag + "@example.com")).isEmpty();
        assertThat(search("ada." + tag + "@example.co")).as("exact, not a prefix").isEmpty();
    }

    @Test
    void anAccountWhoseEmailChangedIsFoundByTheNewOneOnly() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID id = open("old." + tag + "@example.com", "STANDARD");
        awaitFound("old." + tag + "@example.com", 1);

        assertThat(admin.patch("/accounts/" + id + "/profile", "{\"email\":\"New." + tag + "@example.com\"}")
                        .status()).isBetween(200, 204);
        assertThat(ids(awaitFound("new." + tag + "@example.com", 1))).containsExactly(id.toString());
        assertThat(search("old." + tag + "@example.com")).isEmpty();

        // A change of the display name alone leaves the email, and the index, as they were.
        assertThat(admin.patch("/accounts/" + id + "/profile", "{\"displayName\":\"Someone Else\"}").status())
                .isBetween(200, 204);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select version from projection.account_summary where account_id = ?", Long.class, id) == 2);
        assertThat(ids(search("new." + tag + "@example.com"))).containsExactly(id.toString());
    }

    @Test
    void aPurgedAccountIsFoundNoMoreAndItsIndexRowIsGone() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID id = open("leaving." + tag + "@example.com", "FREE");
        awaitFound("leaving." + tag + "@example.com", 1);

        assertThat(admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer left\"}").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
               .until(() -> search("leaving." + tag + "@example.com").stream()
                       .anyMatch(m -> m.get("status").asString().equals("QUARANTINED")
                                      && !m.get("purgeDueAt").isNull()));
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/accounts/" + id).json().get("status")
                                                                .asString().equals("PURGED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> indexRows(id) == 0);
        assertThat(search("leaving." + tag + "@example.com")).isEmpty();
    }

    @Test
    void onlyAnAdminMaySearch() {
        HttpJson everythingButAdmin = ServiceInstances.http(service, "product-service", Scopes.READ, Scopes.WRITE,
                                                            Scopes.DELETE, Scopes.APPROVE, Scopes.ANALYTICS,
                                                            Scopes.LEGAL, Scopes.EXPORT);
        HttpJson.Response refused = everythingButAdmin.post("/admin/accounts/search",
                                                            "{\"email\":\"ada@example.com\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(new HttpJson(port()).post("/admin/accounts/search", "{\"email\":\"ada@example.com\"}").status())
                .as("no token").isEqualTo(401);
    }

    @Test
    void aMissingBlankOrTooLongEmailIsRefusedWithTheReason() {
        String longest = "a".repeat(Limits.MAX_EMAIL_LENGTH - "@example.com".length()) + "@example.com";
        assertThat(admin.post("/admin/accounts/search", "{\"email\":\"" + longest + "\"}").status())
                .as("the longest email an account may have").isEqualTo(200);
        Map<String, String> bodies = Map.of(
                "{}", "email",
                "{\"email\":null}", "email",
                "{\"email\":\"  \"}", "email",
                "{\"email\":\"a" + longest + "\"}", "email",
                "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}", "name");
        bodies.forEach((body, field) -> {
            HttpJson.Response refused = admin.post("/admin/accounts/search", body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.header("Content-Type")).as(body).startsWith("application/problem+json");
            assertThat(refused.json().get("errors").has(field)).as(body + ": " + refused.raw()).isTrue();
        });
        assertThat(admin.send("POST", "/admin/accounts/search", "application/json", "{\"email\":").status())
                .isEqualTo(400);
        assertThat(admin.send("POST", "/admin/accounts/search", "text/plain", "ada@example.com").status())
                .isEqualTo(415);
    }

    @Test
    void noEventHoldsAnIndexedEmailInPlaintextOrItsMac() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String first = "Plain." + tag + "@Example.com";
        String second = "changed." + tag + "@example.com";
        UUID id = open(first, "FREE");
        assertThat(admin.patch("/accounts/" + id + "/profile", "{\"email\":\"" + second + "\"}").status())
                .isBetween(200, 204);
        awaitFound(second, 1);
        byte[] mac = jdbc.queryForObject("select email_mac from account_email_index where account_id = ?",
                                         byte[].class, id);
        assertThat(mac).hasSize(32);

        List<String> forbidden = List.of(first.toLowerCase(Locale.ROOT), second,
                                         HexFormat.of().formatHex(mac),
                                         Base64.getEncoder().encodeToString(mac),
                                         Base64.getUrlEncoder().withoutPadding().encodeToString(mac),
                                         new String(mac, StandardCharsets.ISO_8859_1));
        JdbcTemplate owner = ServiceInstances.owner(DATABASE);
        List<Map<String, Object>> events = owner.queryForList(
                "select payload, meta_data from domain_event_entry where aggregate_identifier = ?", id.toString());
        assertThat(events).as("opened and changed").hasSizeGreaterThanOrEqualTo(2);
        List<Map<String, Object>> everything = owner.queryForList("select payload, meta_data from domain_event_entry "
                                                                  + "union all select payload, meta_data "
                                                                  + "from snapshot_event_entry");
        for (Map<String, Object> row : everything) {
            for (Object column : row.values()) {
                if (column == null) {
                    continue;
                }
                byte[] bytes = (byte[]) column;
                String utf8 = new String(bytes, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String value : forbidden) {
                    assertThat(utf8.contains(value.toLowerCase(Locale.ROOT)) || latin1.contains(value))
                            .as("an event or snapshot holds " + value).isFalse();
                }
            }
        }
    }

    @Test
    void aReplayOfTheAccountSummaryRebuildsTheSameIndex() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID kept = open("kept." + tag + "@example.com", "FREE");
        UUID changed = open("before." + tag + "@example.com", "FREE");
        admin.patch("/accounts/" + changed + "/profile", "{\"email\":\"after." + tag + "@example.com\"}");
        awaitFound("after." + tag + "@example.com", 1);
        awaitFound("kept." + tag + "@example.com", 1);
        awaitCaughtUp();
        Map<String, String> before = index();
        assertThat(before).containsKeys(kept.toString(), changed.toString());

        assertThat(admin.post("/admin/projections/account-summary/replay", "").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> !admin.get("/admin/projections/account-summary").json()
                                                                 .get("replaying").asBoolean());
        awaitCaughtUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> index().equals(before));
        assertThat(ids(search("after." + tag + "@example.com"))).containsExactly(changed.toString());
        assertThat(search("before." + tag + "@example.com")).isEmpty();
    }

    /**
     * An installation upgraded to the index has history but no rows: its migration asks for a replay, which the next
     * start runs once. Simulated on a database of its own: the rows emptied and the request made as the migration
     * makes it.
     */
    @Test
    void accountsOpenedBeforeTheIndexExistedAreFoundAfterTheNextStart() {
        String database = DATABASE + "_upgraded";
        UUID id = UUID.randomUUID();
        String email = "early." + id + "@example.com";
        try (ConfigurableApplicationContext before = ServiceInstances.start(database, "search-it-upgraded",
                                                                           "--account.kafka.intake.enabled=false")) {
            HttpJson http = ServiceInstances.http(before);
            assertThat(http.post("/accounts", openAccountJson(id, email, "Early", "FREE")).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids(search(http, email)).equals(List.of(id.toString())));
        }
        JdbcTemplate owner = ServiceInstances.owner(database);
        assertThat(owner.queryForObject("select count(*) from email_index_backfill", Integer.class))
                .as("a new installation asks for no replay").isZero();
        owner.execute("truncate account_email_index");
        owner.update("insert into email_index_backfill (id) select 1 where exists (select from domain_event_entry)");

        try (ConfigurableApplicationContext after = ServiceInstances.start(database, "search-it-upgraded",
                                                                          "--account.kafka.intake.enabled=false")) {
            HttpJson http = ServiceInstances.http(after);
            await().atMost(Duration.ofSeconds(30)).until(() -> ids(search(http, email)).equals(List.of(id.toString())));
            assertThat(owner.queryForObject("select count(*) from email_index_backfill", Integer.class))
                    .as("answered by the replay").isZero();
        }
    }

    @Test
    void theAnalystRoleCannotReadTheIndexOrItsKey() throws SQLException {
        open("analysed." + UUID.randomUUID() + "@example.com", "FREE");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from email_index_key", Integer.class) == 1);
        try (Connection analyst = DriverManager.getConnection(TestInfrastructure.postgres().jdbcUrl(DATABASE),
                                                              "analyst", "analyst-secret");
             Statement sql = analyst.createStatement()) {
            assertThat(sql.executeQuery("select count(*) from projection.account_summary").next()).isTrue();
            for (String forbidden : List.of("select * from account_email_index", "select * from email_index_key",
                                            "select * from public.account_email_index")) {
                assertThatThrownBy(() -> sql.executeQuery(forbidden)).as(forbidden)
                        .hasMessageContaining("permission denied");
            }
        }
        assertThat(ServiceInstances.owner(DATABASE).queryForObject(
                "select count(*) from information_schema.tables where table_schema = 'projection' "
                + "and table_name like '%email%'", Integer.class)).as("nothing of the index in the projection schema")
                .isZero();
    }

    private static UUID open(String email, String plan) {
        UUID id = UUID.randomUUID();
        assertThat(admin.post("/accounts", openAccountJson(id, email, "Someone", plan)).status()).isEqualTo(201);
        return id;
    }

    private static List<JsonNode> search(String email) {
        return search(admin, email);
    }

    private static List<JsonNode> search(HttpJson client, String email) {
        HttpJson.Response response = client.post("/admin/accounts/search",
                                                 "{\"email\":\"" + email.replace("\t", "\\t") + "\"}");
        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        return response.json().get("accounts").valueStream().toList();
    }

    private static List<JsonNode> awaitFound(String email, int accounts) {
        await().atMost(Duration.ofSeconds(20)).until(() -> search(email).size() == accounts);
        return search(email);
    }

    private static List<String> ids(List<JsonNode> matches) {
        return matches.stream().map(m -> m.get("accountId").asString()).toList();
    }

    private static int indexRows(UUID id) {
        return jdbc.queryForObject("select count(*) from account_email_index where account_id = ?", Integer.class,
                                   id);
    }

    /** Account id to hex MAC, for every row. */
    private static Map<String, String> index() {
        return jdbc.queryForList("select account_id::text as id, encode(email_mac, 'hex') as mac "
                                 + "from account_email_index").stream()
                   .collect(Collectors.toMap(row -> (String) row.get("id"), row -> (String) row.get("mac")));
    }

    private static void awaitCaughtUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/admin/projections/account-summary").json()
                                                                .get("caughtUp").asBoolean());
    }

    private static int port() {
        return Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
    }
}
