package io.accountlifecycle.service.search;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Finding the account a person means by the email they give support ({@code accounts:admin}). A POST, so the email
 * travels in the body and never in a URL that proxies and access logs keep. Served by the projections role, which
 * keeps the index it reads.
 */
@RestController
@Tag(name = "Accounts", description = "Open, change and read accounts; every change is an event")
@ConditionalOnProperty(name = Roles.PROJECTIONS, havingValue = "true", matchIfMissing = true)
class AccountSearchController {

    private final AccountsByEmail accounts;

    AccountSearchController(AccountsByEmail accounts) {
        this.accounts = accounts;
    }

    @Schema(name = "AccountSearchRequest")
    record SearchRequest(@NotBlank
                         @Size(min = 1, max = Limits.MAX_EMAIL_LENGTH)
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Ada@Example.com",
                                 description = "Matched exactly, after surrounding white space is trimmed and both "
                                               + "sides are lower-cased")
                         String email) {
    }

    @Schema(name = "AccountSearchResult")
    record SearchResult(@ArraySchema(maxItems = AccountsByEmail.MAX_MATCHES,
                                     arraySchema = @Schema(description = "Live accounts (not purged) with that email, "
                                                                         + "oldest first; none is an empty list"))
                        List<AccountsByEmail.Match> accounts) {
    }

    @ApiResponse(responseCode = "200", description = "The accounts with that email (at most "
                                                     + AccountsByEmail.MAX_MATCHES + ", oldest first); purged "
                                                     + "accounts are never found")
    @ApiResponse(responseCode = "400", description = "No email, a blank one, or one longer than "
                                                     + Limits.MAX_EMAIL_LENGTH + " characters")
    @PostMapping("/admin/accounts/search")
    @Operation(operationId = "searchAccounts",
               summary = "Find accounts by email, through a keyed MAC of it: no table or event holds an email in "
                         + "plaintext")
    SearchResult search(@Valid @RequestBody SearchRequest request) {
        return new SearchResult(accounts.find(request.email()));
    }
}
