package io.accountlifecycle.service.account.http;

import java.time.Instant;

/** Body of {@code POST /accounts/{id}/activity}; without {@code lastActivityAt} (or without a body) it means now. */
public record RecordActivityRequest(Instant lastActivityAt) {
}
