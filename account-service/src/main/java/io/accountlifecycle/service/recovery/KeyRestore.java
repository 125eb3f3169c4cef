package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The data keys from {@code account.keys}: every live key, latest record per key id; a tombstone not yet compacted
 * deletes. Read whole on every run (one small record per account), written in one transaction.
 */
final class KeyRestore {

    private final TopicReader topics;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();

    KeyRestore(TopicReader topics, JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.topics = topics;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** Returns how many keys were restored. */
    int run(PrintStream out) {
        List<Object[]> live = new ArrayList<>();
        List<Object[]> purged = new ArrayList<>();
        for (Map.Entry<String, byte[]> key : topics.latestByKey(KafkaTopics.KEYS).entrySet()) {
            if (key.getValue() == null) {
                purged.add(new Object[] {key.getKey()});
            } else {
                live.add(new Object[] {key.getKey(), wrappedKey(key.getValue())});
            }
        }
        transaction.executeWithoutResult(status -> {
            jdbc.batchUpdate("insert into account_data_key (key_id, wrapped_key) values (?, ?) "
                             + "on conflict (key_id) do nothing", live);
            jdbc.batchUpdate("delete from account_data_key where key_id = ?", purged);
        });
        out.printf("Data keys: %,d restored, %,d purged keys not restored%n", live.size(), purged.size());
        return live.size();
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

    private byte[] wrappedKey(byte[] value) {
        try {
            return Base64.getDecoder().decode(json.readTree(value).get("wrappedKey").asText());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable record on " + KafkaTopics.KEYS, e);
        }
    }
}
