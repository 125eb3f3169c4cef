package io.accountlifecycle.service.kafka.intake;

import com.networknt.schema.InputFormat;
import io.accountlifecycle.service.AsyncApiDocument;
import io.accountlifecycle.service.kafka.KafkaTopics;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JSON Schema product services read ({@code account-command-envelope.schema.json} in account-api) is the single
 * description of {@code account.commands}: it names exactly the parser's command types, payload fields and the scope
 * each type needs, and the schema and the parser accept and refuse the same records.
 */
class CommandEnvelopeSchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Schema SCHEMA = schema();
    private final CommandEnvelopeParser parser = new CommandEnvelopeParser(Clock.systemUTC());

    private static Schema schema() {
        try (InputStream in = CommandEnvelopeSchemaTest.class
                .getResourceAsStream("/schemas/account-command-envelope.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode schemaDocument() {
        try (InputStream in = CommandEnvelopeSchemaTest.class
                .getResourceAsStream("/schemas/account-command-envelope.schema.json")) {
            return JSON.readTree(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSchemaNamesExactlyTheParsersCommandTypesAndFields() {
        JsonNode schema = schemaDocument();
        Set<String> envelopeFields = new HashSet<>(schema.at("/$defs/envelope/properties").propertyNames());
        assertThat(envelopeFields).isEqualTo(CommandEnvelopeParser.ENVELOPE_FIELDS);
        Set<String> types = new HashSet<>();
        schema.at("/$defs/envelope/properties/type/enum").forEach(type -> types.add(type.asString()));
        assertThat(types).isEqualTo(CommandEnvelopeParser.PAYLOAD_FIELDS.keySet());
        Map<String, Set<String>> payloadFields = new HashMap<>();
        typeRules(schema).forEach((type, rule) -> payloadFields.put(
                type, new HashSet<>(rule.at("/properties/payload/properties").propertyNames())));
        assertThat(payloadFields).isEqualTo(CommandEnvelopeParser.PAYLOAD_FIELDS);
    }

    @Test
    void theSchemaNamesTheScopeEachCommandTypeNeeds() {
        assertThat(CommandEnvelopeParser.SCOPES.keySet()).isEqualTo(CommandEnvelopeParser.PAYLOAD_FIELDS.keySet());
        Map<String, JsonNode> rules = typeRules(schemaDocument());
        assertThat(rules.keySet()).isEqualTo(CommandEnvelopeParser.SCOPES.keySet());
        rules.forEach((type, rule) -> assertThat(rule.at("/description").asString()).as(type)
                .startsWith("Needs scope " + CommandEnvelopeParser.SCOPES.get(type) + " "));
    }

    /**
     * {@code asyncapi.json} receives each command type in an operation of its own, requiring the type's scope of the
     * record's bearer token, and its message's payload is the type's definition in this schema.
     */
    @Test
    void theAsyncApiDocumentNamesEachCommandTypeWithItsScope() {
        AsyncApiDocument asyncApi = AsyncApiDocument.load();
        assertThat(asyncApi.messages(KafkaTopics.COMMANDS).keySet()).isEqualTo(CommandEnvelopeParser.SCOPES.keySet());
        Map<String, String> scopes = new HashMap<>();
        for (JsonNode operation : asyncApi.root().get("operations")) {
            if (asyncApi.resolve(operation.get("channel")).get("address").asString().equals(KafkaTopics.COMMANDS)) {
                assertThat(operation.get("action").asString()).isEqualTo("receive");
                JsonNode message = asyncApi.resolve(operation.get("messages").get(0));
                String type = message.get("name").asString();
                assertThat(operation.get("messages")).as(type).hasSize(1);
                assertThat(message.at("/payload/$ref").asString())
                        .isEqualTo("./schemas/account-command-envelope.schema.json#/$defs/" + type);
                assertThat(message.at("/headers/$ref").asString()).isNotBlank();
                assertThat(asyncApi.resolve(message.get("headers")).get("required"))
                        .anySatisfy(header -> assertThat(header.asString()).isEqualTo(CommandAuthentication.HEADER));
                assertThat(operation.get("security")).as(type).hasSize(1);
                JsonNode scheme = asyncApi.resolve(operation.get("security").get(0));
                assertThat(scheme.get("scopes")).as(type).hasSize(1);
                scopes.put(type, scheme.get("scopes").get(0).asString());
                assertThat(asyncApi.resolve(operation.at("/reply/channel")).get("address").asString())
                        .isEqualTo(KafkaTopics.COMMAND_RESULTS);
            }
        }
        assertThat(scopes).isEqualTo(CommandEnvelopeParser.SCOPES);
    }

    /** Per command type, its definition under {@code $defs}, which the schema applies when {@code type} names it. */
    private static Map<String, JsonNode> typeRules(JsonNode schema) {
        Map<String, JsonNode> rules = new HashMap<>();
        for (JsonNode rule : schema.get("allOf")) {
            if (rule.has("if")) {
                String type = rule.at("/if/properties/type/const").asString();
                assertThat(rule.at("/then/$ref").asString()).isEqualTo("#/$defs/" + type);
                JsonNode definition = schema.at("/$defs/" + type);
                assertThat(definition.at("/properties/type/const").asString()).isEqualTo(type);
                rules.put(type, definition);
            }
        }
        return rules;
    }

    @Test
    void theSchemaSaysTheTokenNotIssuedByNamesTheActor() {
        assertThat(schemaDocument().at("/$defs/envelope/properties/issuedBy/description").asString()).contains("Never the actor");
        assertThat(schemaDocument().get("description").asString()).contains("authorization: 'Bearer <JWT>'")
                                                                 .contains("PENDING_APPROVAL");
    }

    @Test
    void everyCommandTypeTheSchemaAcceptsTheParserAccepts() {
        Map<String, String> payloads = Map.of(
                "OpenAccount", "{\"email\":\"a@example.com\",\"displayName\":\"A\",\"plan\":\"FREE\",\"protected\":true}",
                "UpdateAccountProfile", "{\"displayName\":\"B\"}",
                "ChangeAccountPlan", "{\"plan\":\"PREMIUM\"}",
                "RecordAccountActivity", "{\"lastActivityAt\":\"2026-11-23T10:15:30Z\"}",
                "RequestAccountDeletion", "{\"reason\":\"asked by the customer\"}",
                "CancelAccountDeletion", "{\"reason\":\"in error\"}");
        assertThat(payloads.keySet()).isEqualTo(CommandEnvelopeParser.PAYLOAD_FIELDS.keySet());
        payloads.forEach((type, payload) -> {
            String record = envelope(type, payload, ",\"issuedBy\":\"billing\"");
            assertThat(SCHEMA.validate(record, InputFormat.JSON)).as(type).isEmpty();
            assertThat(parser.parse(record.getBytes()).type()).isEqualTo(type);
        });
    }

    @Test
    void recordsTheSchemaRefusesTheParserRefuses() {
        for (String record : new String[] {
                envelope("OpenAccount", "{\"email\":\"a@example.com\",\"displayName\":\"A\",\"plan\":\"FREE\"}",
                         ",\"extra\":1"),
                envelope("ChangeAccountPlan", "{\"plan\":\"GOLD\"}", ""),
                envelope("ChangeAccountPlan", "{\"plan\":\"FREE\",\"price\":3}", ""),
                envelope("DeleteEverything", "{}", ""),
                envelope("OpenAccount", "{\"email\":\"a@example.com\",\"displayName\":\"A\",\"plan\":\"FREE\"}",
                         ",\"issuedBy\":\"" + "x".repeat(201) + "\""),
                "{\"type\":\"ChangeAccountPlan\",\"accountId\":\"" + UUID.randomUUID() + "\",\"payload\":{}}"}) {
            assertThat(SCHEMA.validate(record, InputFormat.JSON)).as(record).isNotEmpty();
            assertThatThrownBy(() -> parser.parse(record.getBytes())).as(record)
                                                                    .isInstanceOf(InvalidCommandException.class);
        }
    }

    private static String envelope(String type, String payload, String more) {
        return "{\"commandId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"accountId\":\""
               + UUID.randomUUID() + "\",\"payload\":" + payload + more + "}";
    }
}
