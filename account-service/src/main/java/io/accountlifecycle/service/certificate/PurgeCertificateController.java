package io.accountlifecycle.service.certificate;

import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.UUID;

/**
 * Proof of purge over HTTP: the signed certificate of an account's purge ({@code accounts:read}, as its history is),
 * and the public keys that verify it, published without a token for whoever holds a certificate. Created only with
 * {@link PurgeCertificateConfiguration}, on the role that serves {@code /accounts/**}.
 */
@RestController
@ConditionalOnWebApplication
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
@Tag(name = "Accounts", description = "Open, change and read accounts; every change is an event")
class PurgeCertificateController {

    /** RFC 7515's media type of a compact JWS. */
    static final String APPLICATION_JOSE = "application/jose";
    /** RFC 7517's media type of a JWK set. */
    static final String APPLICATION_JWK_SET = "application/jwk-set+json";
    static final String KEYS_PATH = "/.well-known/purge-certificate-keys.json";

    private final PurgeCertificates certificates;
    private final CertificateKeys keys;

    PurgeCertificateController(PurgeCertificates certificates, CertificateKeys keys) {
        this.certificates = certificates;
        this.keys = keys;
    }

    @ApiResponse(responseCode = "200",
                 description = "The certificate: a compact JWS (typ purge-certificate+jws, ES256), verifiable with the "
                               + "keys at " + KEYS_PATH,
                 content = @Content(mediaType = APPLICATION_JOSE,
                                    schema = @Schema(type = "string", maxLength = 8192,
                                                     pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")))
    @ApiResponse(responseCode = "409", description = "The account is not purged (yet): there is nothing to certify")
    @GetMapping("/accounts/{id}/purge-certificate")
    @Operation(operationId = "getPurgeCertificate",
               summary = "A signed statement that the account was purged: when erasure was requested, when its data "
                         + "key was destroyed, and a hash chain over its events")
    ResponseEntity<String> certificate(@PathVariable UUID id) {
        String certificate;
        try {
            certificate = certificates.issue(id).orElseThrow(
                    () -> new AggregateNotFoundException(id.toString(), "No account " + id));
        } catch (PurgeCertificateClaims.NotPurgedException e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage() + ".");
            problem.setTitle("Account not purged");
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, e);
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(APPLICATION_JOSE))
                             .cacheControl(CacheControl.noStore()).body(certificate);
    }

    /** The current and retired public keys; not in the OpenAPI description, like the AsyncAPI one. */
    @Hidden
    @GetMapping(KEYS_PATH)
    ResponseEntity<String> keys() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(APPLICATION_JWK_SET))
                             .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
                             .body(keys.publicKeys().toString(true));
    }
}
