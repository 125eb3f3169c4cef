package io.accountlifecycle.service.recovery;

import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data keys from {@code account.keys}, staged, then merged with the events. The topic is read whole on every run
 * (one small record per account once compacted) and staged in one transaction: per key id the latest authenticated
 * key and an authenticated tombstone after it. A tombstone counts only when the staged event log holds the account's
 * {@code AccountPurged}: a tombstone alone would otherwise shred a live account in the restored store.
 */
final class KeyRestore {

    static final String STAGING = "restore_key_staging";
    static final String NO_PURGE = "a tombstone, but account.events holds no AccountPurged for this account";

    private final KeyTopic topic;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    KeyRestore(KeyTopic topic, JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.topic = topic;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** What staging the keys found: what verifies records (retired keys included), and the records refused. */
    record Staged(RecordAuthentication authentication, List<Refusal> refusals) {
    }

    /** Stages the topic as it is now. */
    Staged stage(RecordAuthentication masterKeyset, PrintStream out) {
        Instant start = Instant.now();
        KeyTopic.Keys keys = topic.read(masterKeyset);
        BinaryCopy rows = new BinaryCopy();
        int tombstones = 0;
        for (Map.Entry<String, KeyTopic.KeyState> key : keys.byKeyId().entrySet()) {
            KeyTopic.KeyState state = key.getValue();
            if (state.wrappedKey() == null && state.tombstone() == null) {
                continue; // only refused records: nothing to restore
            }
            tombstones += state.tombstone() == null ? 0 : 1;
            rows.row(4).text(key.getKey()).bytes(state.wrappedKey())
                .integer(state.tombstone() == null ? null : state.tombstone().partition())
                .bigint(state.tombstone() == null ? null : state.tombstone().offset());
        }
        transaction.executeWithoutResult(status -> {
            jdbc.execute("truncate " + STAGING);
            jdbc.execute((ConnectionCallback<Long>) connection -> rows.copyInto(
                    connection, STAGING, "key_id, wrapped_key, tombstone_partition, tombstone_offset"));
        });
        out.printf("Data keys: %,d key ids read, verified and staged in %.1f s (%,d with a tombstone), %,d records "
                   + "refused%n", rows.rows(), Duration.between(start, Instant.now()).toMillis() / 1000.0, tombstones,
                   keys.refusals().size());
        return new Staged(keys.authentication(), keys.refusals());
    }

    /** Every staged tombstone whose account is not among {@code purgedKeyIds}. */
    List<Refusal> tombstonesWithoutPurge(Set<String> purgedKeyIds) {
        List<Refusal> refusals = new ArrayList<>();
        jdbc.query("select key_id, tombstone_partition, tombstone_offset from " + STAGING
                   + " where tombstone_offset is not null", row -> {
            if (!purgedKeyIds.contains(row.getString(1))) {
                refusals.add(new Refusal(new RecordLocation(KafkaTopics.KEYS, row.getInt(2), row.getLong(3)),
                                         NO_PURGE));
            }
        });
        return refusals;
    }

    /** Restored and purged key counts. */
    record Merged(int restored, int purged) {
    }

    /**
     * The staged keys into the key table, in the caller's transaction: every authenticated key, except where an
     * authenticated tombstone of a purged account follows it. A tombstone the operator skipped ({@code skipped}) does
     * not count: its key comes back.
     */
    Merged merge(Set<RecordLocation> skipped) {
        List<RecordLocation> overruled = skipped.stream().filter(s -> s.topic().equals(KafkaTopics.KEYS)).toList();
        Object[] partitions = overruled.stream().map(RecordLocation::partition).toArray();
        Object[] offsets = overruled.stream().map(RecordLocation::offset).toArray();
        String overruledTombstone = "exists (select 1 from unnest(?::int[], ?::bigint[]) s(p, o) "
                                    + "where s.p = k.tombstone_partition and s.o = k.tombstone_offset)";
        int[] counts = new int[2];
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    with restored as (
                        insert into account_data_key (key_id, wrapped_key)
                        select key_id, wrapped_key from %1$s k
                        where wrapped_key is not null and (tombstone_offset is null or %2$s)
                        on conflict (key_id) do nothing
                        returning 1)
                    select (select count(*) from restored),
                           (select count(*) from %1$s k where tombstone_offset is not null and not %2$s)"""
                                                                .formatted(STAGING, overruledTombstone));
            for (int first : new int[] {1, 3}) {
                statement.setArray(first, connection.createArrayOf("integer", partitions));
                statement.setArray(first + 1, connection.createArrayOf("bigint", offsets));
            }
            return statement;
        }, row -> {
            counts[0] = row.getInt(1);
            counts[1] = row.getInt(2);
        });
        return new Merged(counts[0], counts[1]);
    }

    /**
     * A key the topic still had although its account was purged (a key record delivered late, after the tombstone)
     * does not come back: the restored events say the account is purged.
     */
    void forget(List<String> keyIds) {
        // One statement: a batch of single deletes outside a transaction would commit (and wait for the disk) each.
        jdbc.update(connection -> {
            var delete = connection.prepareStatement("delete from account_data_key where key_id = any(?)");
            delete.setArray(1, connection.createArrayOf("varchar", keyIds.toArray()));
            return delete;
        });
    }
}
