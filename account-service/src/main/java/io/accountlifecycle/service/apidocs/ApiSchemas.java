package io.accountlifecycle.service.apidocs;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Limits that follow from the types the API speaks, applied where a field has none of its own: a UUID is 36
 * characters, an ISO-8601 instant, date or duration at most {@link ApiDescriptionConfiguration#MAX_TEMPORAL_LENGTH},
 * a page holds at most 1,000 items ({@code size} is at most 1,000), and the counts, sequences and versions the service
 * answers with are never negative. Every schema a request body uses gets {@code additionalProperties: false}: the
 * service refuses unknown fields ({@code spring.jackson.deserialization.fail-on-unknown-properties}).
 */
final class ApiSchemas {

    static final int MAX_PAGE_SIZE = 1000;

    private ApiSchemas() {
    }

    static void constrain(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        Set<String> requestSchemas = requestSchemas(openApi, schemas);
        schemas.forEach((name, schema) -> {
            if (name.startsWith("PageView")) {
                page(schema);
            }
            if (name.equals("PendingPurgeView")) {
                // account-api carries no OpenAPI annotations: the requester is an actor, bounded like every actor.
                ((Schema<?>) schema.getProperties().get("requestedBy")).setMaxLength(Limits.MAX_ACTOR_LENGTH);
            }
            boolean request = requestSchemas.contains(name);
            if (request) {
                schema.setAdditionalProperties(false);
            }
            walk(schema, request);
        });
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(p -> walk(p.getSchema(), true));
            }
            forEachContent(operation, content -> content.values().forEach(m -> walk(m.getSchema(), false)));
        }));
    }

    private static void page(Schema<?> schema) {
        Map<String, Schema> properties = schema.getProperties();
        properties.get("items").setMaxItems(MAX_PAGE_SIZE);
        bounds(properties.get("page"), 0, Integer.MAX_VALUE);
        bounds(properties.get("size"), 1, MAX_PAGE_SIZE);
    }

    private static void bounds(Schema<?> schema, long minimum, long maximum) {
        schema.setMinimum(BigDecimal.valueOf(minimum));
        schema.setMaximum(BigDecimal.valueOf(maximum));
    }

    /** Type-implied limits on a schema and everything inline in it (references are handled at their definition). */
    private static void walk(Schema<?> root, boolean request) {
        Deque<Schema<?>> todo = new ArrayDeque<>();
        if (root != null) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            Schema<?> schema = todo.pop();
            if (schema.get$ref() != null) {
                continue;
            }
            Set<String> types = types(schema);
            if (types.contains("string") && schema.getMaxLength() == null && schema.getEnum() == null) {
                String format = schema.getFormat() == null ? "" : schema.getFormat();
                switch (format) {
                    case "uuid" -> {
                        schema.setMinLength(36);
                        schema.setMaxLength(36);
                    }
                    case "date-time", "date", "duration" ->
                            schema.setMaxLength(ApiDescriptionConfiguration.MAX_TEMPORAL_LENGTH);
                    default -> {
                    }
                }
            }
            if (types.contains("integer")) {
                boolean int32 = "int32".equals(schema.getFormat());
                if (request) {
                    // What the parameter's type takes; anything else is refused with 400.
                    if (schema.getMinimum() == null) {
                        schema.setMinimum(BigDecimal.valueOf(int32 ? Integer.MIN_VALUE : Long.MIN_VALUE));
                    }
                    if (schema.getMaximum() == null) {
                        schema.setMaximum(BigDecimal.valueOf(int32 ? Integer.MAX_VALUE : Long.MAX_VALUE));
                    }
                } else if (schema.getMinimum() == null && schema.getMaximum() == null) {
                    // Counts, sequence numbers, versions and positions the service answers with.
                    bounds(schema, 0, int32 ? Integer.MAX_VALUE : Long.MAX_VALUE);
                }
            }
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(todo::push);
            }
            if (schema.getItems() != null) {
                todo.push(schema.getItems());
            }
            if (schema.getAdditionalProperties() instanceof Schema<?> values) {
                todo.push(values);
            }
        }
    }

    private static Set<String> types(Schema<?> schema) {
        Set<String> types = new HashSet<>();
        if (schema.getTypes() != null) {
            types.addAll(schema.getTypes());
        }
        if (schema.getType() != null) {
            types.add(schema.getType());
        }
        return types;
    }

    /** The component schemas a request body uses, directly or through other schemas. */
    private static Set<String> requestSchemas(OpenAPI openApi, Map<String, Schema> schemas) {
        Set<String> names = new HashSet<>();
        Deque<Schema<?>> todo = new ArrayDeque<>();
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(m -> todo.push(m.getSchema()));
            }
        }));
        while (!todo.isEmpty()) {
            Schema<?> schema = todo.pop();
            if (schema == null) {
                continue;
            }
            if (schema.get$ref() != null) {
                String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
                if (names.add(name) && schemas.containsKey(name)) {
                    todo.push(schemas.get(name));
                }
                continue;
            }
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(todo::push);
            }
            if (schema.getItems() != null) {
                todo.push(schema.getItems());
            }
        }
        return names;
    }

    private static void forEachContent(Operation operation, Consumer<Content> action) {
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
            action.accept(operation.getRequestBody().getContent());
        }
        if (operation.getResponses() != null) {
            operation.getResponses().values().forEach(r -> {
                if (r.getContent() != null) {
                    action.accept(r.getContent());
                }
            });
        }
    }
}
