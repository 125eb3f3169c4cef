package io.accountlifecycle.service.security;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
}
