package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New accounts' keys held back by a group of commands (the Kafka intake's poll) are stored together in one statement
 * (rows one statement inserted share its number, {@code cmin}), and what was sealed under a held key opens with the
 * stored one. A held key whose id exists already is refused when written, and a key let go of is never stored.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HeldKeysIT {

    @Autowired
    DataKeyStore keys;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void heldKeysAreStoredInOneStatementAndOpenWhatWasSealedUnderThem() throws GeneralSecurityException {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        byte[] sealed = new TransactionTemplate(transactions).execute(status -> {
            keys.holdNewKeys();
            try {
                Aead held = keys.getOrCreateForNewAccount(a);
                assertThat(keys.getOrCreateForNewAccount(a)).as("the same key when asked again").isSameAs(held);
                keys.getOrCreateForNewAccount(b);
                assertThat(rows(a, b)).isZero();
                assertThat(keys.writeHeldKeys()).isTrue();
                assertThat(rows(a, b)).isEqualTo(2);
                assertThat(jdbc.queryForList("select distinct cmin::text from account_data_key where key_id in (?, ?)",
                                             String.class, a, b)).hasSize(1);
                return held.encrypt("grace@example.com".getBytes(StandardCharsets.UTF_8), new byte[0]);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            } finally {
                keys.releaseHeldKeys();
            }
        });
        assertThat(keys.holds(a)).as("cached once committed").isTrue();
        keys.forgetAll();
        Aead stored = keys.find(a).orElseThrow();
        assertThat(new String(stored.decrypt(sealed, new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("grace@example.com");
    }

    @Test
    void aHeldKeyWhoseIdExistsIsRefusedWhenWritten() {
        String used = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        keys.getOrCreate(used);
        keys.forgetAll();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            status.setRollbackOnly();
            keys.holdNewKeys();
            try {
                keys.getOrCreateForNewAccount(fresh);
                keys.getOrCreateForNewAccount(used);
                assertThat(keys.writeHeldKeys()).isFalse();
            } finally {
                keys.releaseHeldKeys();
            }
        });
        assertThat(rows(fresh, fresh)).isZero();
        assertThat(keys.holds(fresh)).isFalse();
    }

    @Test
    void aKeyLetGoOfIsNeverStoredAndWithoutHoldingAKeyIsStoredAtOnce() {
        String dropped = UUID.randomUUID().toString();
        String direct = UUID.randomUUID().toString();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            keys.holdNewKeys();
            try {
                keys.getOrCreateForNewAccount(dropped);
            } finally {
                keys.releaseHeldKeys();
            }
            keys.getOrCreateForNewAccount(direct);
            assertThat(rows(direct, direct)).isEqualTo(1);
        });
        assertThat(rows(dropped, dropped)).isZero();
        assertThat(keys.holds(dropped)).isFalse();
    }

    private int rows(String a, String b) {
        return jdbc.queryForObject("select count(*) from account_data_key where key_id in (?, ?)", Integer.class, a, b);
    }
}
