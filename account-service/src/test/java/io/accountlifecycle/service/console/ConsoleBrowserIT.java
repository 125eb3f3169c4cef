package io.accountlifecycle.service.console;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin console in a real headless Chromium, walked as admins would: signing in through the service's own
 * issuer, cancelling a pending purge (with the keyboard only), a clean-up previewed, executed, approved by a second
 * admin and undone, a person without {@code accounts:admin} who sees no admin action and is refused when forcing
 * one, a form post without its CSRF token refused; axe-core on every page, and the README's screenshots.
 */
@RealPostgres(database = ConsoleBrowserIT.DATABASE)
@RealKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static final String DATABASE = "accounts_console";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path folder;
    private static Path users;

    private static ConfigurableApplicationContext service;
    private static HttpJson api;
    private static JdbcTemplate jdbc;
    private static String base;
    private static final Map<String, List<String>> accessibility = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        users = folder.resolve("console-users.json");
        addUser(users, "alice", "accounts:read,accounts:admin,analytics:read,accounts:legal");
        addUser(users, "bob", "accounts:read,accounts:admin,accounts:approve");
        addUser(users, "carol", "accounts:read,analytics:read");
        service = ServiceInstances.start(DATABASE, "console-it", "--account.console.users-file=" + users,
                                         "--account.deletion.approval-above-accounts=2",
                                         "--account.kafka.intake.enabled=false");
        api = ServiceInstances.http(service);
        jdbc = service.getBean(JdbcTemplate.class);
        base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** {@code java -jar … user add <name> --scopes … --password-stdin}, as an operator runs it. */
    private static void addUser(Path users, String name, String scopes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = UserCommand.run(new String[] {"user", "add", name, "--scopes", scopes, "--password-stdin",
                                                 "--users-file", users.toString()},
                                   new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)),
                                   new PrintStream(out), new PrintStream(out));
        assertThat(exit).as(out.toString()).isZero();
    }

    private static UUID open(String plan, String email) {
        UUID id = UUID.randomUUID();
        assertThat(api.post("/accounts", """
                {"accountId":"%s","email":"%s","displayName":"Someone","plan":"%s"}"""
                .formatted(id, email, plan)).status()).isEqualTo(201);
        return id;
    }

    private static String status(UUID id) {
        return api.get("/accounts/" + id).json().get("status").asString();
    }

    private static void checkAccessibility(Browser browser, String page) {
        List<String> violations = browser.seriousAccessibilityViolations();
        accessibility.put(page, violations);
        assertThat(violations).as("axe-core's serious and critical violations on " + page).isEmpty();
    }

    @Test
    @Order(1)
    void anAdminFindsAnAccountByEmailAndCancelsItsPendingPurgeWithTheKeyboardOnly() {
        String email = "Keyboard-" + UUID.randomUUID() + "@Example.com";
        UUID id = open("PREMIUM", email);
        assertThat(api.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer asked\"}").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("QUARANTINED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.account_summary where account_id = ? and status = 'QUARANTINED'",
                Integer.class, id) == 1);

        // The email index is a projection: it holds the account a moment after it opened.
        await().atMost(Duration.ofSeconds(30)).until(() -> api.post("/admin/accounts/search",
                "{\"email\":\"" + email + "\"}").json().get("accounts").size() == 1);

        try (Browser browser = new Browser(base)) {
            // Signing in: the name, Tab, the password, Enter.
            browser.open("/console");
            assertThat(browser.path()).isEqualTo("/signin");
            checkAccessibility(browser, "signin");
            browser.screenshots("signin");
            browser.type("bob");
            browser.type(Keys.TAB);
            browser.typeAndLoad(PASSWORD, Keys.ENTER);
            assertThat(browser.path()).isEqualTo("/console");
            assertThat(browser.text("#signed-in-as")).isEqualTo("bob");
            assertThat(((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("return typeof htmx"))
                    .as("htmx (its WebJar) loads under the console's Content-Security-Policy").isEqualTo("object");

            // The pending purges list it.
            browser.open("/console/purges");
            assertThat(browser.driver().getPageSource()).contains(id.toString());
            checkAccessibility(browser, "purges");
            browser.screenshots("purges");

            // Find it by email, typed as support hears it (other case, stray spaces), and follow the match.
            browser.open("/console/accounts");
            browser.tabTo("email");
            browser.typeAndLoad("  " + email.toUpperCase(java.util.Locale.ROOT) + " ", Keys.ENTER);
            assertThat(browser.all("a[id^=found-]")).hasSize(1);
            checkAccessibility(browser, "accounts-search");
            browser.screenshots("accounts-search");
            browser.tabTo("found-" + id);
            browser.typeAndLoad(Keys.ENTER);
            assertThat(browser.path()).isEqualTo("/console/accounts/" + id);
            assertThat(browser.text("#account-status")).isEqualTo("QUARANTINED");
            assertThat(browser.text("#account-value")).as("what the cancel touches").isEqualTo("49.00 a month");
            checkAccessibility(browser, "account");

            // Cancel: restate the id, give a reason, Enter on the button.
            browser.tabTo("confirmId");
            browser.type(id.toString());
            browser.type(Keys.TAB);
            browser.type("restored by support: the customer called");
            browser.tabTo("cancel-deletion");
            browser.typeAndLoad(Keys.ENTER);
            assertThat(browser.text("p.done")).contains("cancelled");
            assertThat(browser.text("#account-status")).isEqualTo("ACTIVE");
        }
        assertThat(status(id)).isEqualTo("ACTIVE");
        // The signed-in person is the actor, as over the API.
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.audit_log where account_id = ? and actor = 'bob'",
                Integer.class, id) > 0);
    }

    @Test
    @Order(2)
    void aCleanUpIsPreviewedExecutedApprovedByASecondAdminAndUndone() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = open("STANDARD", "cleanup-" + UUID.randomUUID() + "@example.com");
            assertThat(api.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2025-03-01T00:00:00Z\"}")
                          .status()).isBetween(200, 204);
            ids.add(id);
        }
        ServiceInstances.awaitSummaries(jdbc, ids);
        String batchPath;
        try (Browser browser = new Browser(base)) {
            browser.signIn("alice", PASSWORD);
            checkAccessibility(browser, "home");
            browser.screenshots("home");
            browser.open("/console/batches");
            checkAccessibility(browser, "batches");
            browser.screenshots("batches");
            browser.fill("#inactiveSince", "01012026");
            browser.click("#plan-STANDARD");
            browser.fill("#accountIds", String.join("\n", ids.stream().map(UUID::toString).toList()));
            browser.submit("#preview");
            assertThat(browser.path()).as(() -> browser.all("div.error").stream().map(e -> e.getText()).toList()
                                                       .toString()).isEqualTo("/console/batches/preview");
            assertThat(browser.text("#preview-count")).isEqualTo("3");
            // Three STANDARD accounts at 15 a month.
            assertThat(browser.text("#value-at-risk")).isEqualTo("45.00");
            assertThat(browser.text("#needs-approval")).contains("second admin");
            checkAccessibility(browser, "batch-preview");
            browser.screenshots("batch-preview");
            browser.fill("#reason", "inactive since 2025: clean-up of the test tenant");
            browser.submit("#execute");
            assertThat(browser.path()).startsWith("/console/batches/");
            batchPath = browser.path();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                browser.open(batchPath);
                return browser.text("#batch-state").equals("PENDING_APPROVAL");
            });
            // The requester sees why they cannot approve, and no button to do it.
            assertThat(browser.text("#own-batch")).contains("second person");
            assertThat(browser.all("#approve")).isEmpty();
            checkAccessibility(browser, "batch");
            browser.screenshots("batch-pending-approval");
            browser.open("/console/approvals");
            checkAccessibility(browser, "approvals");
            browser.signOut();
            checkAccessibility(browser, "signed-out");

            browser.signIn("bob", PASSWORD);
            browser.open(batchPath);
            browser.submit("#approve");
            assertThat(browser.text("p.done")).contains("Approved");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                browser.open(batchPath);
                return browser.text("#batch-state").equals("IN_HOLD");
            });
            for (UUID id : ids) {
                assertThat(status(id)).isEqualTo("QUARANTINED");
            }
            browser.screenshots("batch-in-hold");

            // Undo: the count restated, a reason, and every account is Active again.
            browser.fill("#confirmCount", "3");
            browser.fill("#undo-reason", "wrong tenant: undo");
            browser.submit("#undo");
            assertThat(browser.text("p.done")).contains("3 accounts restored");
        }
        for (UUID id : ids) {
            assertThat(status(id)).isEqualTo("ACTIVE");
        }
    }

    @Test
    @Order(3)
    void withoutAccountsAdminNoAdminActionShowsAndAForcedOneIsRefused() {
        UUID id = open("FREE", "readonly-" + UUID.randomUUID() + "@example.com");
        assertThat(api.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer asked\"}").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.account_summary where account_id = ? and status = 'QUARANTINED'",
                Integer.class, id) == 1);
        try (Browser browser = new Browser(base)) {
            browser.signIn("carol", PASSWORD);
            // Only the pages of her scopes are offered.
            assertThat(browser.all("header nav li a")).extracting(e -> e.getText())
                    .containsExactly("Accounts", "Audit log");
            browser.open("/console/accounts/" + id);
            assertThat(browser.text("#account-status")).isEqualTo("QUARANTINED");
            assertThat(browser.all("#cancel-deletion")).as("no cancel button").isEmpty();
            assertThat(browser.all("#export")).as("no export without accounts:export").isEmpty();
            // Pages behind accounts:admin are refused, as their API twins are.
            for (String page : List.of("/console/purges", "/console/batches", "/console/safety",
                                       "/console/erasure-requests")) {
                browser.open(page);
                assertThat(browser.text("#refusal")).as(page).contains("carol may not do this");
            }
            checkAccessibility(browser, "denied");

            // Forcing the action with a valid session and CSRF token: refused, and recorded as a refusal.
            browser.open("/console/accounts/" + id);
            Map<String, Object> forced = browser.postFromPage("/console/accounts/" + id + "/cancel-deletion", true,
                                                              "forced");
            assertThat(((Number) forced.get("status")).intValue()).isEqualTo(403);
            assertThat((String) forced.get("text")).contains("carol may not do this");
            assertThat(status(id)).isEqualTo("QUARANTINED");
            // HEAD is no side door to a download she may not make.
            assertThat(browser.requestFromPage("HEAD", "/console/accounts/" + id + "/export")).isEqualTo(403);

            // Removed from the issuer's people: her open session ends at its next request.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(UserCommand.run(new String[] {"user", "remove", "carol", "--users-file", users.toString()},
                                       new ByteArrayInputStream(new byte[0]), new PrintStream(out),
                                       new PrintStream(out))).as(out.toString()).isZero();
            browser.open("/console/accounts/" + id);
            assertThat(browser.path()).as("sent to sign in again").isEqualTo("/signin");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.queryForObject(
                "select count(*) from access_refusal where actor = 'carol'", Integer.class)
                + jdbc.queryForObject("select count(*) from projection.audit_log where actor = 'carol'",
                                      Integer.class) > 0);
    }

    @Test
    @Order(4)
    void aFormPostWithoutItsCsrfTokenIsRefused() {
        try (Browser browser = new Browser(base)) {
            browser.signIn("alice", PASSWORD);
            browser.open("/console/safety");
            assertThat(browser.text("#purges-state")).isEqualTo("running");
            checkAccessibility(browser, "safety");
            browser.screenshots("safety");
            Map<String, Object> forged = browser.postFromPage("/console/safety/purges/pause", false, "forged");
            assertThat(((Number) forged.get("status")).intValue()).isEqualTo(403);
            assertThat((String) forged.get("text")).contains("CSRF");
            browser.open("/console/safety");
            assertThat(browser.text("#purges-state")).as("nothing was paused").isEqualTo("running");
            // The same post with the page's token goes through (the token, not the session, made the difference).
            Map<String, Object> genuine = browser.postFromPage("/console/safety/purges/pause", true, "drill");
            assertThat(((Number) genuine.get("status")).intValue()).isIn(0, 302);
            browser.open("/console/safety");
            assertThat(browser.text("#purges-state")).isEqualTo("paused");
            browser.postFromPage("/console/safety/purges/resume", true, "drill over");
        }
    }

    @Test
    @Order(5)
    void everyOtherPageHasNoSeriousAccessibilityViolation() {
        try (Browser browser = new Browser(base)) {
            browser.signIn("alice", PASSWORD);
            for (String page : List.of("/console/accounts", "/console/audit", "/console/legal-holds",
                                       "/console/erasure-requests")) {
                browser.open(page);
                String name = page.substring("/console/".length());
                checkAccessibility(browser, name);
                browser.screenshots(name);
            }
            // The audit log as CSV, filtered, from the console's own link: bob's cancel of the first test is in it.
            browser.open("/console/audit?actor=bob");
            assertThat(browser.find("#audit-csv").getAttribute("href")).contains("/console/audit.csv?actor=bob");
            Map<String, Object> csv = browser.getFromPage("/console/audit.csv?actor=bob");
            assertThat(((Number) csv.get("status")).intValue()).isEqualTo(200);
            assertThat((String) csv.get("type")).startsWith("text/csv");
            assertThat((String) csv.get("text")).startsWith("\"eventId\",\"occurredAt\",\"action\",\"actor\"")
                                                .contains("\"bob\"").doesNotContain("\"carol\"");
            // The cancel of many: what it touches (count and monthly value) before anything is done.
            UUID id = open("PREMIUM", "many-" + UUID.randomUUID() + "@example.com");
            assertThat(api.post("/accounts/" + id + "/deletion", "{\"reason\":\"asked\"}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "select count(*) from projection.account_summary where account_id = ? and status = 'QUARANTINED'",
                    Integer.class, id) == 1);
            browser.open("/console/purges");
            browser.click("#select-" + id);
            browser.submit("#review-cancel");
            assertThat(browser.text("#cancel-count")).isEqualTo("1");
            assertThat(browser.text("#cancel-value")).startsWith("49.00");
            checkAccessibility(browser, "purges-cancel");
            browser.fill("#confirmCount", "1");
            browser.fill("#reason", "restore");
            browser.submit("#confirm-cancel");
            assertThat(browser.text("p.done")).contains("1 of 1 deletions cancelled");

            // Undo by operation, its first step: what the test's API caller requested this last hour.
            browser.open("/console/batches");
            browser.fill("#op-requestedBy", "test-user");
            browser.fill("#op-from", java.time.Instant.now().minus(Duration.ofHours(1)).toString());
            browser.fill("#op-to", java.time.Instant.now().plus(Duration.ofMinutes(5)).toString());
            browser.submit("#preview-operation");
            assertThat(browser.driver().findElement(org.openqa.selenium.By.tagName("h1")).getText())
                    .startsWith("Undo:");
            checkAccessibility(browser, "operation-preview");
        }
        assertThat(accessibility.keySet()).contains("signin", "home", "purges", "account", "batches", "batch-preview",
                                                    "batch", "approvals", "safety", "denied", "accounts", "audit",
                                                    "legal-holds", "erasure-requests", "purges-cancel",
                                                    "operation-preview");
    }

    @Test
    @Order(6)
    void theLocalIssuerSendsCodesOnlyToTheConsoleOnTheOriginTheBrowserUsed() throws Exception {
        String port = service.getEnvironment().getProperty("local.server.port");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                                                                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                                                                .build();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> authorize = (host, redirect) -> {
            String query = "response_type=code&client_id=account-console&scope=openid&state=s"
                           + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                           + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, StandardCharsets.UTF_8);
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + host + ":" + port + "/oauth2/authorize?" + query)).build(),
                                 java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        // The console's callback on the origin asked: accepted (on to the sign-in), by IP address or by name.
        for (String host : List.of("127.0.0.1", "localhost")) {
            var accepted = authorize.apply(host, "http://" + host + ":" + port + "/login/oauth2/code/console");
            assertThat(accepted.statusCode()).as(host).isEqualTo(302);
            assertThat(accepted.headers().firstValue("Location").orElseThrow()).as(host).endsWith("/signin");
        }
        // Anywhere else: refused, and nobody is sent there.
        for (String redirect : List.of("http://evil.example/login/oauth2/code/console",
                                       "http://127.0.0.1:" + port + "/login/oauth2/code/console/../../x",
                                       "http://127.0.0.1:" + port + "/console",
                                       "http://localhost:" + port + "/login/oauth2/code/console",
                                       "https://127.0.0.1:" + port + "/login/oauth2/code/console",
                                       "http://127.0.0.1:1/login/oauth2/code/console",
                                       "http://user@127.0.0.1:" + port + "/login/oauth2/code/console")) {
            var refused = authorize.apply("127.0.0.1", redirect);
            assertThat(refused.statusCode()).as(redirect).isEqualTo(400);
            assertThat(refused.headers().firstValue("Location")).as(redirect).isEmpty();
        }
    }

    /** From a loopback address of its own (127.0.0.2), so the browsers' sign-ins from 127.0.0.1 do not count. */
    @Test
    @Order(7)
    void passwordGuessingAtTheLocalIssuersSignInIsThrottledPerAddress() throws Exception {
        int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String body = "username=alice&password=guess-" + i;
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
                socket.getOutputStream().write(("POST /signin HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                                                + "Content-Type: application/x-www-form-urlencoded\r\n"
                                                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                                                + body).getBytes(StandardCharsets.US_ASCII));
                String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(
                        socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                statuses.add(Integer.parseInt(statusLine.split(" ")[1]));
            }
        }
        assertThat(statuses.subList(0, 10)).as("ten a minute are let through to the checks").doesNotContain(429);
        assertThat(statuses.get(10)).as("the eleventh is refused unchecked").isEqualTo(429);
        // Another address (the browsers') is not held back by it.
        try (Browser browser = new Browser(base)) {
            browser.signIn("alice", PASSWORD);
        }
    }
}
