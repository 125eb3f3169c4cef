package io.accountlifecycle.service.account.http;

/** Body of {@code PATCH /accounts/{id}/profile}: either field or both. */
public record UpdateProfileRequest(String email, String displayName) {
}
