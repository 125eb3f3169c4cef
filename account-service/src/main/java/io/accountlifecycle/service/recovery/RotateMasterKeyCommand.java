package io.accountlifecycle.service.recovery;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.publication.TaggedRecords;
import io.accountlifecycle.service.personal.CryptoProperties;
import io.accountlifecycle.service.personal.MasterKeyRotation;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.axonframework.eventhandling.EventBus;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code java -jar <service jar> rotate-master-key [--rewrap-only | --destroy-retired] [--keyset-out=<file>]
 * [--actor=<name>] [--spring.…]}: the service's own configuration with every role off, connected as the schema's
 * owner (like {@code migrate} and {@code restore}). See {@link MasterKeyRotation} and the README's "Rotating the master
 * key". {@code account.keys} follows: every data key wrapped again is sent there, tagged under the new key, and so is
 * {@value RecordAuthentication#RETIRED_KEYS_RECORD} with the tag keys of every retired master key, so that history
 * tagged before the rotation still verifies once the retired keys are destroyed.
 */
public final class RotateMasterKeyCommand {

    public static final String NAME = "rotate-master-key";

    private RotateMasterKeyCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals(NAME);
    }

    public static int run(String[] args, PrintStream out) {
        boolean rewrapOnly = false;
        boolean destroyRetired = false;
        Path keysetOut = null;
        String actor = System.getProperty("user.name", "operator");
        List<String> options = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--rewrap-only")) {
                rewrapOnly = true;
            } else if (arg.equals("--destroy-retired")) {
                destroyRetired = true;
            } else if (arg.startsWith("--keyset-out=")) {
                keysetOut = Path.of(arg.substring("--keyset-out=".length()));
            } else if (arg.startsWith("--actor=")) {
                actor = arg.substring("--actor=".length());
            } else {
                options.add(arg);
            }
        }
        if (rewrapOnly && destroyRetired) {
            out.println("Give --rewrap-only or --destroy-retired, not both.");
            return 2;
        }
        try (ConfigurableApplicationContext context = RecoveryCommand.start(options.toArray(String[]::new), false,
                                                                            true)) {
            JdbcTemplate owner = ownerOf(context);
            MasterKeyRotation rotation = new MasterKeyRotation(context.getBean(CryptoProperties.class), keysetOut,
                                                               owner, context.getBean(EventBus.class), out);
            KeyRecords keys = new KeyRecords(kafkaOf(context));
            Map<Long, byte[]> retiredBefore = retiredTagKeys(context, rotation.currentKeyset(), out);
            KeysetHandle now;
            if (destroyRetired) {
                KeysetHandle before = rotation.currentKeyset();
                rotation.destroyRetired(actor);
                // Every key it held but the primary is retired now: their tag keys must outlive them.
                retiredBefore.putAll(RecordAuthentication.macKeys(before));
                now = rotation.currentKeyset();
            } else if (rewrapOnly) {
                rotation.rewrap(keys::under);
                now = rotation.currentKeyset();
            } else {
                now = rotation.rotate(actor, keys::under);
            }
            Map<Long, byte[]> retired = new TreeMap<>(retiredBefore);
            retired.putAll(RecordAuthentication.macKeys(now));
            retired.remove(Integer.toUnsignedLong(now.getPrimary().getId()));
            keys.retiredTagKeys(now, retired);
            keys.awaitAcknowledgements();
            out.printf("%,d records sent to %s (data keys, and the tag keys of %d retired master keys).%n", keys.sent(),
                       KafkaTopics.KEYS, retired.size());
            return 0;
        } catch (IllegalStateException | GeneralSecurityException e) {
            out.println(e.getMessage());
            return 1;
        }
    }

    /** The schema's owner: the service's own role may not replace a data key. */
    private static JdbcTemplate ownerOf(ConfigurableApplicationContext context) {
        JdbcTemplate owner = context.getBean(JdbcTemplate.class);
        String user = owner.queryForObject("select current_user", String.class);
        if ("account_app".equals(user)) {
            throw new IllegalStateException("rotate-master-key rewrites data keys as the schema's owner: give the "
                    + "owner's credentials (spring.flyway.user and spring.flyway.password), as for migrate");
        }
        return owner;
    }

    @SuppressWarnings("unchecked")
    private static KafkaTemplate<String, String> kafkaOf(ConfigurableApplicationContext context) {
        return context.getBean(KafkaTemplate.class);
    }

    /** The tag keys of master keys retired before, from the latest {@value RecordAuthentication#RETIRED_KEYS_RECORD}. */
    private static Map<Long, byte[]> retiredTagKeys(ConfigurableApplicationContext context, KeysetHandle keyset,
                                                    PrintStream out) {
        byte[][] latest = {null};
        byte[] name = RecordAuthentication.RETIRED_KEYS_RECORD.getBytes(StandardCharsets.UTF_8);
        new TopicReader(context.getBean(ConsumerFactory.class).getConfigurationProperties(), 5_000)
                .readAll(KafkaTopics.KEYS, record -> {
                    if (Arrays.equals(name, record.key()) && record.value() != null) {
                        latest[0] = record.value(); // the latest wins, as compaction would have it
                    }
                });
        Map<Long, byte[]> retired = new TreeMap<>();
        if (latest[0] != null) {
            try {
                retired.putAll(RecordAuthentication.retiredKeys(keyset.getPrimitive(RegistryConfiguration.get(),
                                                                                    Aead.class), latest[0]));
            } catch (GeneralSecurityException notOurs) {
                // Every rotation and destruction writes it under the primary of its day, a key this keyset still
                // holds: one that does not open was not written by this deployment.
                out.printf("Ignored a %s record the master keyset cannot open (%s): not this deployment's.%n",
                           RecordAuthentication.RETIRED_KEYS_RECORD, notOurs.getMessage());
            }
        }
        return retired;
    }

    /** What goes to {@code account.keys}, as the publisher writes it, tagged under the keyset's primary. */
    private static final class KeyRecords {

        private final KafkaTemplate<String, String> kafka;
        private final List<CompletableFuture<?>> sends = new ArrayList<>();

        KeyRecords(KafkaTemplate<String, String> kafka) {
            this.kafka = kafka;
        }

        /** Data keys wrapped again under {@code keyset}. */
        BiConsumer<String, byte[]> under(KeysetHandle keyset) {
            TaggedRecords records = new TaggedRecords(RecordAuthentication.of(keyset));
            return (keyId, wrapped) -> sends.add(kafka.send(records.dataKey(keyId, wrapped)));
        }

        void retiredTagKeys(KeysetHandle keyset, Map<Long, byte[]> retired) throws GeneralSecurityException {
            if (retired.isEmpty()) {
                return;
            }
            Aead master = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
            TaggedRecords records = new TaggedRecords(RecordAuthentication.of(keyset));
            sends.add(kafka.send(records.record(KafkaTopics.KEYS, null, RecordAuthentication.RETIRED_KEYS_RECORD,
                                                RecordAuthentication.retiredKeysRecordValue(master, retired))));
        }

        int sent() {
            return sends.size();
        }

        void awaitAcknowledgements() {
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("The broker did not acknowledge every record on " + KafkaTopics.KEYS
                                                + ": run `rotate-master-key --rewrap-only` again", e);
            }
        }
    }
}
