package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.kafka.intake.ParsedCommand.Effect;
import io.accountlifecycle.service.security.Scopes;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads a command envelope from raw record bytes and checks its shape against the published JSON Schema
 * ({@code account-api/src/main/resources/schemas/account-command-envelope.schema.json}). Field rules (email format,
 * name length) stay the aggregate's.
 */
@Component
class CommandEnvelopeParser {

    static final int MAX_RECORD_BYTES = 64 * 1024;
    private static final int MAX_ISSUED_BY = 200;
    static final Set<String> ENVELOPE_FIELDS = Set.of("commandId", "type", "accountId", "payload", "issuedBy");
    /**
     * The command types and their payload fields, exactly as the published JSON Schema describes them
     * ({@code CommandEnvelopeSchemaTest} holds the two together).
     */
    static final Map<String, Set<String>> PAYLOAD_FIELDS = Map.of(
            "OpenAccount", Set.of("email", "displayName", "plan", "protected"),
            "UpdateAccountProfile", Set.of("email", "displayName"),
            "ChangeAccountPlan", Set.of("plan"),
            "RecordAccountActivity", Set.of("lastActivityAt"),
            "RequestAccountDeletion", Set.of("reason", "kind", "receivedAt"),
            "CancelAccountDeletion", Set.of("reason"));
    /** The scope each command type needs in the sender's token: its HTTP twin's. */
    static final Map<String, String> SCOPES = Map.of(
            "OpenAccount", Scopes.WRITE,
            "UpdateAccountProfile", Scopes.WRITE,
            "ChangeAccountPlan", Scopes.WRITE,
            "RecordAccountActivity", Scopes.WRITE,
            "RequestAccountDeletion", Scopes.DELETE,
            "CancelAccountDeletion", Scopes.ADMIN);

    private final JsonMapper json = JsonMapper.builder()
                                              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                              .build();
    private final Clock clock;

    CommandEnvelopeParser(Clock clock) {
        this.clock = clock;
    }

    ParsedCommand parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidCommandException("Empty record: expected a JSON command envelope", null, null);
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new InvalidCommandException("Record of " + value.length + " bytes exceeds the limit of "
                                              + MAX_RECORD_BYTES + " bytes", null, null);
        }
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (JacksonException e) {
            throw new InvalidCommandException("Not valid JSON: " + e.getOriginalMessage(), null, null);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidCommandException("Expected a JSON object (the command envelope)", null, null);
        }
        UUID commandId = uuid(root, "commandId", null, null);
        if (commandId == null) {
            throw new InvalidCommandException("Missing commandId: every command needs a unique UUID commandId", null,
                                              null);
        }
        UUID accountId = uuid(root, "accountId", commandId, null);
        for (String field : root.propertyNames()) {
            if (!ENVELOPE_FIELDS.contains(field)) {
                throw new InvalidCommandException("Unknown envelope field '" + field + "'", commandId, accountId);
            }
        }
        if (accountId == null) {
            throw new InvalidCommandException("Missing accountId", commandId, null);
        }
        String type = text(root, "type", commandId, accountId);
        if (type == null || !PAYLOAD_FIELDS.containsKey(type)) {
            throw new InvalidCommandException("Unknown command type '" + type + "'; expected one of "
                                              + String.join(", ", PAYLOAD_FIELDS.keySet().stream().sorted().toList()),
                                              commandId, accountId);
        }
        String issuedBy = text(root, "issuedBy", commandId, accountId);
        if (issuedBy != null && issuedBy.length() > MAX_ISSUED_BY) {
            throw new InvalidCommandException("issuedBy must be at most " + MAX_ISSUED_BY + " characters", commandId,
                                              accountId);
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new InvalidCommandException("Missing payload object", commandId, accountId);
        }
        for (String field : payload.propertyNames()) {
            if (!PAYLOAD_FIELDS.get(type).contains(field)) {
                throw new InvalidCommandException("Unknown payload field '" + field + "' for " + type + "; expected "
                                                  + String.join(", ", PAYLOAD_FIELDS.get(type)), commandId, accountId);
            }
        }
        return new ParsedCommand(commandId, type, accountId, issuedBy, SCOPES.get(type),
                                 execution(type, accountId, payload, commandId));
    }

    /** The ids a record names, each null where it has none that is readable. */
    record Ids(UUID commandId, UUID accountId) {
    }

    /**
     * Only the command and account ids, where readable: enough to address a refusal to its sender without parsing,
     * let alone acting on, a record whose sender is not known.
     */
    Ids ids(byte[] value) {
        if (value == null || value.length == 0 || value.length > MAX_RECORD_BYTES) {
            return new Ids(null, null);
        }
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (JacksonException e) {
            return new Ids(null, null);
        }
        if (root == null || !root.isObject()) {
            return new Ids(null, null);
        }
        return new Ids(uuidOrNull(root, "commandId"), uuidOrNull(root, "accountId"));
    }

    private static UUID uuidOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        try {
            return value != null && value.isString() ? UUID.fromString(value.asString()) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private ParsedCommand.Execution execution(String type, UUID accountId, JsonNode payload, UUID commandId) {
        return switch (type) {
            case "OpenAccount" -> {
                String email = text(payload, "email", commandId, accountId);
                String displayName = text(payload, "displayName", commandId, accountId);
                Plan plan = plan(payload, commandId, accountId);
                boolean protectedAccount = bool(payload, "protected", commandId, accountId);
                yield (commands, origin) -> {
                    commands.open(accountId, email, displayName, plan, protectedAccount, origin);
                    return Effect.APPLIED;
                };
            }
            case "UpdateAccountProfile" -> {
                String email = text(payload, "email", commandId, accountId);
                String displayName = text(payload, "displayName", commandId, accountId);
                yield (commands, origin) -> {
                    commands.updateProfile(accountId, email, displayName, origin);
                    return Effect.APPLIED;
                };
            }
            case "ChangeAccountPlan" -> {
                Plan plan = plan(payload, commandId, accountId);
                yield (commands, origin) -> {
                    commands.changePlan(accountId, plan, origin);
                    return Effect.APPLIED;
                };
            }
            case "RecordAccountActivity" -> {
                Instant at = instant(payload, "lastActivityAt", commandId, accountId);
                Instant lastActivityAt = at == null ? clock.instant() : at;
                yield (commands, origin) -> {
                    commands.recordActivity(accountId, lastActivityAt, origin);
                    return Effect.APPLIED;
                };
            }
            case "RequestAccountDeletion" -> {
                String reason = text(payload, "reason", commandId, accountId);
                DeletionKind kind = kind(payload, commandId, accountId);
                Instant receivedAt = instant(payload, "receivedAt", commandId, accountId);
                yield (commands, origin) -> {
                    String waitsBecause = commands.requestDeletion(accountId, reason, kind, receivedAt, origin);
                    return waitsBecause == null ? Effect.APPLIED : Effect.pendingApproval(waitsBecause);
                };
            }
            case "CancelAccountDeletion" -> {
                String reason = text(payload, "reason", commandId, accountId);
                yield (commands, origin) -> {
                    commands.cancelDeletion(accountId, reason, origin);
                    return Effect.APPLIED;
                };
            }
            default -> throw new IllegalStateException(type);
        };
    }

    private static Instant instant(JsonNode payload, String field, UUID commandId, UUID accountId) {
        String at = text(payload, field, commandId, accountId);
        try {
            return at == null ? null : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new InvalidCommandException("payload." + field + " must be an ISO-8601 instant like "
                                              + "2026-11-23T10:15:30Z", commandId, accountId);
        }
    }

    private static DeletionKind kind(JsonNode payload, UUID commandId, UUID accountId) {
        String value = text(payload, "kind", commandId, accountId);
        try {
            return value == null ? DeletionKind.STANDARD : DeletionKind.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException("payload.kind must be STANDARD or ERASURE", commandId, accountId);
        }
    }

    private static Plan plan(JsonNode payload, UUID commandId, UUID accountId) {
        String value = text(payload, "plan", commandId, accountId);
        try {
            return value == null ? null : Plan.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException("payload.plan must be one of "
                                              + Arrays.stream(Plan.values()).map(Enum::name)
                                                      .collect(Collectors.joining(", ")), commandId, accountId);
        }
    }

    private static UUID uuid(JsonNode node, String field, UUID commandId, UUID accountId) {
        String value = text(node, field, commandId, accountId);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(field + " must be a UUID", commandId, accountId);
        }
    }

    private static String text(JsonNode node, String field, UUID commandId, UUID accountId) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidCommandException(field + " must be a string", commandId, accountId);
        }
        return value.asString();
    }

    private static boolean bool(JsonNode node, String field, UUID commandId, UUID accountId) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidCommandException(field + " must be true or false", commandId, accountId);
        }
        return value.asBoolean();
    }
}
