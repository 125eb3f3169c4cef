package io.accountlifecycle.service.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which deployments may start with which token checks: an external issuer needs an audience; an external database
 * needs an external issuer or the explicit word that the local key is meant; {@code restore} and {@code verify}
 * (no web server) need neither and touch no key. A configured audience holds on both doors for the local key too.
 */
class TokenVerificationConfigurationTest {

    @TempDir
    Path dir;

    private Path keyFile() {
        return dir.resolve("keys/token-signing-key.json");
    }

    private <R extends AbstractApplicationContextRunner<R, ?, ?>> R configured(R runner) {
        return runner.withUserConfiguration(TokenVerificationConfiguration.class, CommandTokenConfiguration.class)
                     .withBean(Clock.class, Clock::systemUTC)
                     .withPropertyValues("account.security.signing-key-file=" + keyFile());
    }

    private WebApplicationContextRunner web() {
        return configured(new WebApplicationContextRunner());
    }

    @Test
    void anExternalIssuerWithoutAnAudienceRefusesToStartNamingTheProperty() {
        web().withPropertyValues("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks")
             .run(context -> {
                 assertThat(context).hasFailed();
                 assertThat(context.getStartupFailure()).rootCause()
                                                        .hasMessageContaining("account.security.audience is not set");
             });
        web().withPropertyValues("spring.security.oauth2.resourceserver.jwt.issuer-uri=https://login.example.test",
                                 "account.security.audience=account-service")
             .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void anExternalDatabaseWithoutAnExternalIssuerRefusesToStartUnlessTheLocalKeyIsAskedFor() {
        web().withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.test/accounts")
             .run(context -> {
                 assertThat(context).hasFailed();
                 assertThat(context.getStartupFailure()).rootCause()
                                                        .hasMessageContaining("account.security.local-issuer.enabled");
             });
        assertThat(keyFile()).as("no signing key generated for a refused start").doesNotExist();

        web().withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.test/accounts",
                                 "account.security.local-issuer.enabled=true")
             .run(context -> {
                 assertThat(context).hasNotFailed().hasSingleBean(JwtDecoder.class);
                 assertThat(keyFile()).exists();
             });
    }

    @Test
    void theEmbeddedDefaultUsesItsLocalKeyWithoutBeingAsked() {
        web().run(context -> assertThat(context).hasNotFailed().hasSingleBean(JwtDecoder.class));
        assertThat(keyFile()).exists();
    }

    @Test
    void withoutAWebServerNothingVerifiesTokensSoNothingIsRefusedAndNoKeyIsMade() {
        // restore and verify: an external database, no issuer, no local-issuer switch.
        configured(new ApplicationContextRunner())
                .withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.test/accounts")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CommandTokens.class)
                                       .doesNotHaveBean(JwtDecoder.class);
                    // Were a command token verified after all, it would be refused, not judged against a key made
                    // up on the spot.
                    assertThatThrownBy(() -> context.getBean(CommandTokens.class).verify("a.b.c", Instant.now()))
                            .rootCause().hasMessageContaining("account.security.local-issuer.enabled");
                });
        assertThat(keyFile()).doesNotExist();
    }

    @Test
    void aConfiguredAudienceIsStampedByTheLocalKeyAndCheckedOnHttpAndKafka() {
        web().withPropertyValues("account.security.audience=account-service").run(context -> {
            assertThat(context).hasNotFailed();
            JwtDecoder http = context.getBean(JwtDecoder.class);
            CommandTokens kafka = context.getBean(CommandTokens.class);
            TokenSettings settings = context.getBean(TokenSettings.class);
            String ours = LocalTokens.loadOrCreate(keyFile(), settings.issuer(), "account-service")
                                     .mint("alice", List.of(Scopes.READ), Duration.ofMinutes(5));
            String theirs = LocalTokens.loadOrCreate(keyFile(), settings.issuer(), "billing-service")
                                       .mint("alice", List.of(Scopes.READ), Duration.ofMinutes(5));
            String none = LocalTokens.loadOrCreate(keyFile(), settings.issuer())
                                     .mint("alice", List.of(Scopes.READ), Duration.ofMinutes(5));

            assertThat(http.decode(ours).getAudience()).containsExactly("account-service");
            assertThat(kafka.verify(ours, Instant.now()).subject()).isEqualTo("alice");
            for (String refused : List.of(theirs, none)) {
                assertThatThrownBy(() -> http.decode(refused)).isInstanceOf(BadJwtException.class)
                                                               .hasMessageContaining("aud");
                assertThatThrownBy(() -> kafka.verify(refused, Instant.now())).isInstanceOf(BadJwtException.class)
                                                                               .hasMessageContaining("aud");
            }
        });
    }

    @Test
    void theSigningKeyIsOwnerOnlyInAnOwnerOnlyFolder() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"),
                                            PosixFilePermissions.asFileAttribute(
                                                    PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalTokens.loadOrCreate(keyFile(), TokenSettings.DEFAULT_ISSUER);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        try (var files = Files.list(keys)) {
            assertThat(files).as("no temporary file left behind").containsExactly(keyFile());
        }

        // A key file from before the rule is restricted when it is next read.
        Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        LocalTokens.loadOrCreate(keyFile(), TokenSettings.DEFAULT_ISSUER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
    }
}
