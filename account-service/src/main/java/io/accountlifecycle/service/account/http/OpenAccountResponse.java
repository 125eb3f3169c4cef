package io.accountlifecycle.service.account.http;

import java.util.UUID;

/** Answer of {@code POST /accounts}: the account's id (its address is in {@code Location}). */
public record OpenAccountResponse(UUID accountId) {
}
