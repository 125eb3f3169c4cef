package io.accountlifecycle.service.security;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void printsOnlyASignedTokenWithTheSubjectAndScopes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[]{"token", "--subject", "alice", "--scopes",
                                                   "accounts:read,accounts:write", "--data-dir", dataDir.toString()},
                                      new PrintStream(out), new PrintStream(err));

        assertThat(status).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines()).hasSize(1);
        SignedJWT jwt = SignedJWT.parse(printed.trim());
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("accounts:read accounts:write");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(TokenSettings.DEFAULT_ISSUER);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(dataDir.resolve("keys/token-signing-key.json")).exists();
    }

    @Test
    void withoutASubjectItExplainsItselfOnStderr() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[]{"token", "--scopes", "accounts:read"}, new PrintStream(out),
                                      new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
    }

    /**
     * The service's {@code --account.data-dir=…} names the same folder; an option the command does not read is refused
     * (it once was ignored, and a token signed with a key made in ./data was refused by the service with 401).
     */
    @Test
    void theServicesDataDirOptionWorksAndUnknownOptionsAreRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[]{"token", "--subject", "alice", "--scopes", "accounts:read",
                                                   "--account.data-dir=" + dataDir.resolve("service")},
                                      new PrintStream(out), new PrintStream(err));
        assertThat(status).isZero();
        assertThat(dataDir.resolve("service/keys/token-signing-key.json")).exists();

        Run unknown = token("--data-folder", "elsewhere");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).contains("Unknown option --data-folder").contains("usage");
    }

    private record Run(int status, String out, String err) {
    }

    private Run token(String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[options.length + 7];
        System.arraycopy(new String[]{"token", "--subject", "alice", "--scopes", "accounts:read", "--data-dir",
                                      dataDir.toString()}, 0, args, 0, 7);
        System.arraycopy(options, 0, args, 7, options.length);
        int status = TokenCommand.run(args, new PrintStream(out), new PrintStream(err));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTtlAboveTheCeilingIsRefusedNamingTheProperty() {
        Run refused = token("--ttl", "P2D");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("account.security.token-max-ttl").contains("PT12H").contains("PT48H");

        assertThat(token("--ttl", "PT12H").status()).as("the default ceiling itself").isZero();
    }

    @Test
    void theCeilingIsConfigurable() {
        System.setProperty(TokenCommand.MAX_TTL, "PT1H");
        try {
            assertThat(token("--ttl", "PT2H").err()).contains("account.security.token-max-ttl (PT1H)");
            assertThat(token("--ttl", "PT1H").status()).isZero();
        } finally {
            System.clearProperty(TokenCommand.MAX_TTL);
        }
    }

    @Test
    void anAudienceIsStampedWhenGiven() throws Exception {
        assertThat(SignedJWT.parse(token().out().trim()).getJWTClaimsSet().getAudience()).isEmpty();
        Run run = token("--audience", "account-service");
        assertThat(SignedJWT.parse(run.out().trim()).getJWTClaimsSet().getAudience())
                .containsExactly("account-service");
    }

    @Test
    void theKeyIsOwnerOnlyInOwnerOnlyFoldersFromTheStart() throws Exception {
        Path fresh = dataDir.resolve("fresh-data");
        assertThat(TokenCommand.run(new String[]{"token", "--subject", "alice", "--scopes", "accounts:read",
                                                 "--data-dir", fresh.toString()},
                                    new PrintStream(new ByteArrayOutputStream()),
                                    new PrintStream(new ByteArrayOutputStream()))).isZero();
        assertThat(mode(fresh)).isEqualTo("rwx------");
        assertThat(mode(fresh.resolve("keys"))).isEqualTo("rwx------");
        assertThat(mode(fresh.resolve("keys/token-signing-key.json"))).isEqualTo("rw-------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
