package io.accountlifecycle.service.account.http;

/** Body of {@code POST /accounts/{id}/deletion} and {@code …/deletion/cancel}: why (the actor comes from the token). */
public record DeletionRequest(String reason) {
}
