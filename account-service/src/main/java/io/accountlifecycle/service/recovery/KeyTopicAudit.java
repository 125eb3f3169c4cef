package io.accountlifecycle.service.recovery;

import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code verify}'s check of the backup of the keys: every live account's data key (a row of {@code account_data_key}:
 * an account that sealed data and is not purged) must have, on {@code account.keys}, an authenticated record with that
 * very key that compaction will keep. Because the topic is compacted, a forged record with a live key id would erase the
 * real key whatever its tag says (the broker's ACLs are the guard against it): this is how an operator learns of it
 * before a restore needs the key.
 */
final class KeyTopicAudit {

    /** Accounts named at most; past it, a count. */
    private static final int NAMED = 100;

    private final KeyTopic topic;
    private final RecordAuthentication authentication;
    private final JdbcTemplate jdbc;

    KeyTopicAudit(TopicReader topics, RecordAuthentication authentication, JdbcTemplate jdbc) {
        this.topic = new KeyTopic(topics);
        this.authentication = authentication;
        this.jdbc = jdbc;
    }

    /** The lines to print, and whether every live account's key is backed up. */
    record Result(List<String> lines, boolean allAuthenticated) {
    }

    Result run() {
        KeyTopic.Keys keys = topic.read(authentication);
        Map<String, KeyTopic.KeyState> onTopic = keys.byKeyId();
        List<Refusal> retiredKeysRefused = keys.retiredKeysRefusals();
        List<String> problems = new ArrayList<>();
        long[] live = {0};
        jdbc.query("select key_id, wrapped_key from account_data_key order by key_id", row -> {
            live[0]++;
            String problem = problem(onTopic.get(row.getString(1)), row.getBytes(2));
            if (problem != null) {
                problems.add(row.getString(1) + "  " + problem);
            }
        });
        List<String> lines = new ArrayList<>();
        retiredKeysRefused.forEach(refusal -> lines.add(
                KafkaTopics.KEYS + ": a " + RecordAuthentication.RETIRED_KEYS_RECORD + " record is refused: " + refusal));
        if (problems.isEmpty()) {
            lines.add("%s: %,d live accounts' data keys, each with an authenticated record a restore uses"
                              .formatted(KafkaTopics.KEYS, live[0]));
        } else {
            lines.add("%s: %,d of %,d live accounts' data keys have no authenticated record a restore would use:"
                              .formatted(KafkaTopics.KEYS, problems.size(), live[0]));
            problems.stream().limit(NAMED).forEach(problem -> lines.add("  " + problem));
            if (problems.size() > NAMED) {
                lines.add("  … and %,d more".formatted(problems.size() - NAMED));
            }
        }
        return new Result(lines, problems.isEmpty() && retiredKeysRefused.isEmpty());
    }

    private static String problem(KeyTopic.KeyState state, byte[] wrapped) {
        if (state == null || state.wrappedKey() == null) {
            return "no authenticated key record"
                   + (state != null && state.refusedAfter() != null ? " (refused: " + state.refusedAfter() + ")" : "");
        }
        if (state.tombstone() != null) {
            return "its latest authenticated record is a tombstone (" + state.tombstone() + "), but the account is "
                   + "live: compaction will erase its key";
        }
        if (state.refusedAfter() != null) {
            return "a later record that does not verify (" + state.refusedAfter() + ") will erase its key through "
                   + "compaction";
        }
        if (!Arrays.equals(state.wrappedKey(), wrapped)) {
            return "the key on the topic is not the database's";
        }
        return null;
    }
}
