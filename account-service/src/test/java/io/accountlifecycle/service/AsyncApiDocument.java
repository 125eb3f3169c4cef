package io.accountlifecycle.service;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code asyncapi.json} from account-api, read as a product service reads it: channels by their topic, their messages,
 * and each message's payload, headers and key as JSON Schemas, resolved through the document itself (its
 * {@code ./schemas/…} references included), so what the document says is what a test checks records against.
 * Formats ({@code uuid}, {@code date-time}) are asserted, not only annotated.
 */
public final class AsyncApiDocument {

    /**
     * Where the document lives for the purpose of resolving references: the schema files' {@code $id}s are relative
     * to it ({@code https://accountlifecycle.io/schemas/…}). Served from the classpath, as the service serves them.
     */
    private static final String BASE = "https://accountlifecycle.io/";
    private static final String DOCUMENT = "asyncapi.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonNode root;
    private final SchemaRegistry schemas;

    private AsyncApiDocument(JsonNode root) {
        this.root = root;
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, registry -> registry
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                .schemaIdResolvers(ids -> ids.mapPrefix(BASE, "classpath:")));
    }

    public static AsyncApiDocument load() {
        try (InputStream in = AsyncApiDocument.class.getResourceAsStream("/" + DOCUMENT)) {
            return new AsyncApiDocument(JSON.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** {@code node}, or what its local {@code $ref} ({@code #/…}) points to. */
    public JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null || !ref.asString().startsWith("#")) {
            return node;
        }
        JsonNode target = root.at(ref.asString().substring(1));
        if (target.isMissingNode()) {
            throw new IllegalStateException("Dangling reference " + ref.asString());
        }
        return resolve(target);
    }

    /** The channel whose address is {@code topic}. */
    public JsonNode channel(String topic) {
        for (JsonNode channel : root.get("channels")) {
            if (topic.equals(channel.path("address").asString(null))) {
                return channel;
            }
        }
        throw new IllegalArgumentException("No channel for " + topic);
    }

    /** One message a channel carries, by its id in the channel. */
    public final class Message {

        private final String name;
        private final String pointer;
        private final JsonNode node;
        private Schema payload;
        private Schema headers;
        private Schema key;

        private Message(String name, String pointer) {
            this.name = name;
            this.pointer = pointer;
            this.node = root.at(pointer);
        }

        public String name() {
            return name;
        }

        public JsonNode node() {
            return node;
        }

        /** The record value as the payload schema sees it: JSON parsed, anything else as text; a tombstone is null. */
        public JsonNode value(byte[] value) {
            if (value == null) {
                return JsonNodeFactory.instance.nullNode();
            }
            String contentType = node.path("contentType").asString(root.path("defaultContentType").asString());
            return contentType.equals("application/json") ? JSON.readTree(value)
                                                          : JsonNodeFactory.instance.stringNode(
                                                                  new String(value, StandardCharsets.UTF_8));
        }

        public List<Error> payloadErrors(byte[] value) {
            if (payload == null) {
                payload = schema(pointer + "/payload");
            }
            return payload.validate(value(value));
        }

        /** The record's headers, each as UTF-8 text, against the message's headers schema (none declared: none). */
        public List<Error> headerErrors(Map<String, byte[]> recordHeaders) {
            if (headers == null) {
                headers = node.has("headers") ? schema(pointer + "/headers")
                                              : schemas.getSchema(JSON.readTree("{\"maxProperties\":0}"));
            }
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            recordHeaders.forEach((header, bytes) -> object.put(header, bytes == null ? null
                                                                       : new String(bytes, StandardCharsets.UTF_8)));
            return headers.validate(object);
        }

        /** The record's key against the message's Kafka binding {@code key} schema. */
        public List<Error> keyErrors(String recordKey) {
            if (key == null) {
                if (node.at("/bindings/kafka/key").isMissingNode()) {
                    throw new IllegalStateException("Message " + name + " declares no Kafka key");
                }
                key = schema(pointer + "/bindings/kafka/key");
            }
            return key.validate(recordKey == null ? JsonNodeFactory.instance.nullNode()
                                                  : JsonNodeFactory.instance.stringNode(recordKey));
        }
    }

    /** The messages of the channel whose address is {@code topic}, by their id in the channel. */
    public Map<String, Message> messages(String topic) {
        Map<String, Message> messages = new LinkedHashMap<>();
        for (var entry : channel(topic).get("messages").properties()) {
            String ref = entry.getValue().path("$ref").asString();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("Messages of " + topic + " should be references to components");
            }
            resolve(entry.getValue()); // fails on a dangling reference
            messages.put(entry.getKey(), new Message(entry.getKey(), ref.substring(1)));
        }
        return messages;
    }

    /** The schema at {@code pointer} in the document, with its references resolved as a reader of the document would. */
    public Schema schema(String pointer) {
        return schemas.getSchema(SchemaLocation.of(BASE + DOCUMENT + "#" + pointer));
    }
}
