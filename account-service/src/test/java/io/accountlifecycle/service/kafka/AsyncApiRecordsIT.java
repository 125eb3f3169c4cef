package io.accountlifecycle.service.kafka;

import com.networknt.schema.Error;
import io.accountlifecycle.service.AsyncApiDocument;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AsyncAPI document and its JSON Schemas say what the service really writes. On a broker of its own, the service
 * handles a lifecycle over HTTP and commands over Kafka — accepted, refused for want of a token, rejected as a
 * business matter, waiting for approval, dead-lettered — and every record it wrote to {@code account.events},
 * {@code account.command-results}, {@code account.commands.dlt} and {@code account.keys} is checked against the
 * channel of its topic in {@code asyncapi.json}: its value matches exactly one of the channel's messages (the payload
 * schema the document refers to, resolved through the document), its headers are those the message declares (every
 * required one there, none undeclared), and its key is the message's Kafka key. The topic settings it states are
 * those of the topics the service created. The document and the schemas are served without a token, exactly as they
 * are in account-api.
 */
@RealPostgres(database = AsyncApiRecordsIT.DATABASE)
class AsyncApiRecordsIT {

    static final String DATABASE = "accounts_asyncapi";
    private static final Path RESOURCES = Path.of("..", "account-api", "src", "main", "resources");
    private static final AsyncApiDocument ASYNCAPI = AsyncApiDocument.load();

    private static KafkaServer kafka;
    private static ConfigurableApplicationContext service;
    private static HttpJson admin;

    @BeforeAll
    static void start() {
        // Its own broker: every record on the topics is this test's, so every one is checked.
        kafka = TestInfrastructure.dedicatedKafka();
        service = ServiceInstances.startOn(kafka, DATABASE, "asyncapi-it", "--account.purge.hold=PT2S");
        admin = ServiceInstances.http(service);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theDocumentAndEverySchemaItRefersToAreServedWithoutAToken() throws IOException {
        HttpJson anonymous = new HttpJson(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
        assertServedAsIs(anonymous, "/asyncapi.json", RESOURCES.resolve("asyncapi.json"));

        Set<String> referenced = new TreeSet<>();
        Matcher refs = Pattern.compile("\"\\$ref\": \"\\./schemas/([^\"#]+)")
                              .matcher(Files.readString(RESOURCES.resolve("asyncapi.json")));
        while (refs.find()) {
            referenced.add(refs.group(1));
        }
        Set<String> shipped = new TreeSet<>();
        try (Stream<Path> files = Files.list(RESOURCES.resolve("schemas"))) {
            files.forEach(file -> shipped.add(file.getFileName().toString()));
        }
        assertThat(shipped).as("every schema shipped is one the document refers to").isEqualTo(referenced);
        for (String schema : shipped) {
            assertServedAsIs(anonymous, "/schemas/" + schema, RESOURCES.resolve("schemas").resolve(schema));
        }
        assertThat(anonymous.get("/schemas/no-such.schema.json").status()).isEqualTo(404);
        assertThat(anonymous.get("/application.yml").status()).as("nothing else of the classpath").isEqualTo(401);
    }

    private static void assertServedAsIs(HttpJson anonymous, String path, Path file) throws IOException {
        HttpJson.Response response = anonymous.get(path);
        assertThat(response.status()).as(path).isEqualTo(200);
        assertThat(response.header("Content-Type")).as(path).startsWith("application/json");
        assertThat(response.raw()).as(path).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void everyRecordTheServiceWritesIsWhatTheDocumentSays() {
        String token = TestTokens.mint(service, "billing-service", List.of(Scopes.WRITE, Scopes.DELETE));

        // Over HTTP: a whole lifecycle to the purge (its key's tombstone on account.keys), and a purge pause.
        UUID purged = UUID.randomUUID();
        assertThat(admin.post("/accounts", """
                {"accountId":"%s","email":"ada@example.com","displayName":"Ada","plan":"STANDARD"}"""
                .formatted(purged)).status()).isEqualTo(201);
        assertThat(admin.patch("/accounts/" + purged + "/profile", "{\"displayName\":\"Ada King\"}").status())
                .isEqualTo(204);
        assertThat(admin.put("/accounts/" + purged + "/plan", "{\"plan\":\"PREMIUM\"}").status()).isEqualTo(204);
        assertThat(admin.send("POST", "/accounts/" + purged + "/activity", null, null).status()).isEqualTo(204);
        assertThat(admin.post("/admin/purges/pause", "{\"reason\":\"drill\"}").status()).isEqualTo(200);
        assertThat(admin.post("/admin/purges/resume", "{\"reason\":\"drill over\"}").status()).isEqualTo(200);
        assertThat(admin.post("/accounts/" + purged + "/deletion", "{\"reason\":\"asked\"}").status()).isEqualTo(202);
        UUID guarded = UUID.randomUUID();
        assertThat(admin.post("/accounts", """
                {"accountId":"%s","email":"grace@example.com","displayName":"Grace","plan":"FREE","protected":true}"""
                .formatted(guarded)).status()).isEqualTo(201);

        // Over Kafka: accepted, waiting for approval (a protected account), refused without a token, rejected (no
        // such account), dead-lettered with a result (a plan that does not exist) and without one (not JSON).
        UUID opened = UUID.randomUUID();
        Map<UUID, String> expected = new LinkedHashMap<>();
        expected.put(command(opened, "OpenAccount", opened, """
                {"email":"linus@example.com","displayName":"Linus","plan":"FREE"}""", token), "ACCEPTED");
        expected.put(command(UUID.randomUUID(), "RequestAccountDeletion", guarded, "{\"reason\":\"asked\"}", token),
                     "PENDING_APPROVAL");
        expected.put(command(UUID.randomUUID(), "ChangeAccountPlan", opened, "{\"plan\":\"PREMIUM\"}", null),
                     "REJECTED");
        expected.put(command(UUID.randomUUID(), "ChangeAccountPlan", UUID.randomUUID(), "{\"plan\":\"PREMIUM\"}",
                             token), "REJECTED");
        expected.put(command(UUID.randomUUID(), "ChangeAccountPlan", opened, "{\"plan\":\"GOLD\"}", token),
                     "REJECTED");
        TopicReader.sendCommand(kafka, opened.toString(), "not json", token);

        try (TopicReader events = new TopicReader(kafka, KafkaTopics.EVENTS);
             TopicReader results = new TopicReader(kafka, KafkaTopics.COMMAND_RESULTS);
             TopicReader deadLetters = new TopicReader(kafka, KafkaTopics.COMMANDS_DLT);
             TopicReader keys = new TopicReader(kafka, KafkaTopics.KEYS)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<UUID, String> statuses = new HashMap<>();
                results.values(result -> true).forEach(result -> statuses.put(
                        UUID.fromString(result.get("commandId").asString()), result.get("status").asString()));
                assertThat(statuses).isEqualTo(expected);
                assertThat(deadLetters.poll()).hasSize(2);
                assertThat(events.values(event -> event.get("type").asString().equals("AccountPurged"))).hasSize(1);
                assertThat(events.values(event -> event.get("type").asString()
                                                       .equals("AccountDeletionApprovalRequested"))).hasSize(1);
                assertThat(keys.poll()).anySatisfy(key -> assertThat(key.value()).isNull());
            });

            Set<String> seen = new TreeSet<>();
            List<String> problems = new ArrayList<>();
            for (TopicReader topic : List.of(events, results, deadLetters, keys)) {
                for (ConsumerRecord<String, String> record : topic.poll()) {
                    problems.addAll(check(record, seen));
                }
            }
            assertThat(problems).as("records that differ from asyncapi.json").isEmpty();
            assertThat(seen).as("what the records covered").containsAll(List.of(
                    "account.events/AccountOpened", "account.events/AccountProfileUpdated",
                    "account.events/AccountPlanChanged", "account.events/AccountActivityRecorded",
                    "account.events/AccountDeletionRequested", "account.events/AccountQuarantined",
                    "account.events/AccountPurged", "account.events/AccountDeletionApprovalRequested",
                    "account.events/PurgesPaused", "account.events/PurgesResumed",
                    "account.command-results/CommandResult", "account.commands.dlt/DeadLetter",
                    "account.keys/WrappedDataKey", "account.keys/KeyTombstone"));

            // Keys the document states in words: events by aggregate, results by command.
            for (ConsumerRecord<String, String> record : events.poll()) {
                JsonNode event = TopicReader.json(record.value());
                JsonNode aggregateId = event.get("aggregateId");
                assertThat(record.key()).isEqualTo(aggregateId.isNull() ? event.get("eventId").asString()
                                                                        : aggregateId.asString());
            }
            for (ConsumerRecord<String, String> record : results.poll()) {
                assertThat(record.key()).isEqualTo(TopicReader.json(record.value()).get("commandId").asString());
            }
        }
    }

    /** The topic settings the document states are those of the topics the service created. */
    @Test
    void theTopicSettingsAreThoseOfTheTopicsTheServiceCreated() throws Exception {
        try (Admin brokerAdmin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            for (JsonNode channel : ASYNCAPI.root().get("channels")) {
                String topic = channel.get("address").asString();
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config actual = brokerAdmin.describeConfigs(List.of(resource)).all().get().get(resource);
                JsonNode stated = channel.at("/bindings/kafka/topicConfiguration");
                assertThat(stated.propertyNames()).as(topic).isNotEmpty();
                for (String setting : stated.propertyNames()) {
                    JsonNode value = stated.get(setting);
                    String text = value.isArray() ? value.valueStream().map(JsonNode::asString)
                                                         .collect(Collectors.joining(","))
                                                  : value.asString();
                    assertThat(actual.get(setting).value()).as(topic + " " + setting).isEqualTo(text);
                }
            }
        }
    }

    private static UUID command(UUID commandId, String type, UUID accountId, String payload, String token) {
        TopicReader.sendCommand(kafka, accountId.toString(), """
                {"commandId":"%s","type":"%s","accountId":"%s","payload":%s}"""
                .formatted(commandId, type, accountId, payload), token);
        return commandId;
    }

    /**
     * What is wrong with {@code record} by the document: its value must match exactly one message of its topic's
     * channel, and its headers and key that message's. Adds {@code topic/message} to {@code seen}.
     */
    private static List<String> check(ConsumerRecord<String, String> record, Set<String> seen) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        byte[] value = record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
        List<AsyncApiDocument.Message> matching = new ArrayList<>();
        Map<String, List<Error>> mismatches = new LinkedHashMap<>();
        for (AsyncApiDocument.Message message : ASYNCAPI.messages(record.topic()).values()) {
            List<Error> errors;
            try {
                errors = message.payloadErrors(value);
            } catch (RuntimeException notJson) {
                mismatches.put(message.name(), List.of());
                continue;
            }
            if (errors.isEmpty()) {
                matching.add(message);
            } else {
                mismatches.put(message.name(), errors);
            }
        }
        if (matching.size() != 1) {
            return List.of(where + " " + record.value() + " matches " + matching.stream()
                    .map(AsyncApiDocument.Message::name).toList() + ", not exactly one message; "
                           + closest(record, mismatches));
        }
        AsyncApiDocument.Message message = matching.get(0);
        seen.add(record.topic() + "/" + message.name());
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (headers.put(header.key(), header.value()) != null) {
                problems.add(where + " (" + message.name() + ") has header " + header.key() + " twice");
            }
        }
        message.headerErrors(headers).forEach(error -> problems.add(
                where + " (" + message.name() + ") headers " + headers.keySet() + ": " + error));
        message.keyErrors(record.key()).forEach(error -> problems.add(
                where + " (" + message.name() + ") key " + record.key() + ": " + error));
        return problems;
    }

    /** The errors against the message the record names by its {@code type}, or against every message. */
    private static String closest(ConsumerRecord<String, String> record, Map<String, List<Error>> mismatches) {
        Set<String> names = new HashSet<>(mismatches.keySet());
        try {
            String type = TopicReader.json(record.value()).path("type").asString("");
            if (names.contains(type)) {
                return type + ": " + mismatches.get(type);
            }
        } catch (RuntimeException notJson) {
            // every message's, then
        }
        return mismatches.toString();
    }
}
