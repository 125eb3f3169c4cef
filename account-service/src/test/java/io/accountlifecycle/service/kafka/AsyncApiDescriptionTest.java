package io.accountlifecycle.service.kafka;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.AsyncApiDocument;
import io.accountlifecycle.service.eventstore.EventTypes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code asyncapi.json} describes what the code has: a channel for every topic the service uses and no other, a message
 * on {@code account.events} for every event class in account-api (a new event type without a description fails here),
 * each referring to its definition in the event envelope's schema with exactly the class's fields, and
 * {@code account.keys} marked internal. {@code AsyncApiRecordsIT} holds real records to the same document.
 */
class AsyncApiDescriptionTest {

    private static final AsyncApiDocument ASYNCAPI = AsyncApiDocument.load();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String EVENT_SCHEMA = "./schemas/account-event-envelope.schema.json";

    @Test
    void everyTopicTheServiceUsesHasAChannelAndNoOtherDoes() throws IllegalAccessException {
        Set<String> topics = new HashSet<>();
        for (Field field : KafkaTopics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                topics.add((String) field.get(null));
            }
        }
        Set<String> addresses = new HashSet<>();
        ASYNCAPI.root().get("channels").forEach(channel -> addresses.add(channel.get("address").asString()));
        assertThat(addresses).isEqualTo(topics);
    }

    @Test
    void everyEventClassHasAMessageOnTheEventTopicWithItsFields() {
        Map<String, Class<?>> eventClasses = new HashMap<>();
        for (JavaClass type : new ClassFileImporter().importPackages(EventEnvelope.class.getPackageName())) {
            if (type.getSimpleName().endsWith("Event") && !type.isEquivalentTo(EventEnvelope.class)) {
                eventClasses.put(EventTypes.nameOf(type.reflect()), type.reflect());
            }
        }
        assertThat(eventClasses).as("event classes found").hasSizeGreaterThan(20);
        var messages = ASYNCAPI.messages(KafkaTopics.EVENTS);
        assertThat(messages.keySet()).as("messages on account.events").isEqualTo(eventClasses.keySet());

        JsonNode schema = eventSchema();
        Set<String> types = new HashSet<>();
        schema.at("/$defs/envelope/properties/type/enum").forEach(type -> types.add(type.asString()));
        assertThat(types).as("the envelope's types").isEqualTo(eventClasses.keySet());
        Set<String> applied = new HashSet<>();
        for (JsonNode rule : schema.get("allOf")) {
            if (rule.has("if")) {
                String type = rule.at("/if/properties/type/const").asString();
                assertThat(rule.at("/then/$ref").asString()).isEqualTo("#/$defs/" + type);
                applied.add(type);
            }
        }
        assertThat(applied).as("types the envelope applies a definition to").isEqualTo(eventClasses.keySet());

        eventClasses.forEach((type, eventClass) -> {
            JsonNode message = ASYNCAPI.resolve(ASYNCAPI.channel(KafkaTopics.EVENTS).get("messages").get(type));
            assertThat(message.at("/payload/$ref").asString()).as(type).isEqualTo(EVENT_SCHEMA + "#/$defs/" + type);
            JsonNode definition = schema.at("/$defs/" + type);
            assertThat(definition.at("/properties/type/const").asString()).as(type).isEqualTo(type);
            assertThat(definition.at("/properties/payloadType/const").asString()).as(type)
                    .isEqualTo(eventClass.getName());
            assertThat(definition.at("/description").asString()).as(type + " described").isNotBlank();
            assertThat(eventClass.isRecord()).as(type + " is a record").isTrue();
            assertThat(new HashSet<>(definition.at("/properties/payload/properties").propertyNames()))
                    .as(type + ": the payload's fields are the record's")
                    .isEqualTo(Arrays.stream(eventClass.getRecordComponents()).map(RecordComponent::getName)
                                     .collect(Collectors.toSet()));
            assertThat(definition.at("/properties/payload/additionalProperties").asBoolean(true)).as(type).isFalse();
        });
    }

    @Test
    void theKeyTopicIsMarkedInternal() {
        JsonNode keys = ASYNCAPI.channel(KafkaTopics.KEYS);
        assertThat(keys.get("x-internal").asBoolean()).isTrue();
        assertThat(keys.get("tags")).anySatisfy(tag -> assertThat(ASYNCAPI.resolve(tag).get("name").asString())
                .isEqualTo("internal"));
        assertThat(keys.get("description").asString()).contains("Internal: only account-service writes and reads");
        List<String> topicsProductServicesUse = List.of(KafkaTopics.COMMANDS, KafkaTopics.COMMAND_RESULTS,
                                                        KafkaTopics.EVENTS);
        topicsProductServicesUse.forEach(topic -> assertThat(ASYNCAPI.channel(topic).has("x-internal")).isFalse());
    }

    private static JsonNode eventSchema() {
        try (InputStream in = AsyncApiDescriptionTest.class
                .getResourceAsStream("/schemas/account-event-envelope.schema.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
