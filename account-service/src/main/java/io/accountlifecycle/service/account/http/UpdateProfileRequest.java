package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

/** Body of {@code PATCH /accounts/{id}/profile}: either field or both. */
public record UpdateProfileRequest(@Schema(format = "email", maxLength = Limits.MAX_EMAIL_LENGTH,
                                           description = "One @, no spaces, a dot in the domain")
                                   String email,
                                   @Schema(maxLength = Limits.MAX_DISPLAY_NAME_LENGTH,
                                           description = "Not blank, no control characters")
                                   String displayName) {
}
