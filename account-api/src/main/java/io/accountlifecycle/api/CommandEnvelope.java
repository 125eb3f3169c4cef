package io.accountlifecycle.api;

import java.util.Map;
import java.util.UUID;

/**
 * What product services publish on {@code account.commands} (JSON; schema in
 * {@code schemas/account-command-envelope.schema.json}); the service answers on {@code account.command-results}.
 *
 * @param commandId unique per command; a re-sent or redelivered command with the same id has exactly one effect
 * @param type      {@code OpenAccount}, {@code UpdateAccountProfile}, {@code ChangeAccountPlan},
 *                  {@code RecordAccountActivity}
 * @param payload   the command's other fields, named as in the HTTP API
 * @param issuedBy  who asked for it, recorded as the actor (the broker gives no producer principal)
 */
public record CommandEnvelope(UUID commandId, String type, UUID accountId, Map<String, Object> payload,
                              String issuedBy) {
}
