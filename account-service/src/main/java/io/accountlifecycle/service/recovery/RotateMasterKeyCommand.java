package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.publication.AccountEventPublisher.WrappedDataKey;
import io.accountlifecycle.service.personal.CryptoProperties;
import io.accountlifecycle.service.personal.MasterKeyRotation;
import org.axonframework.eventhandling.EventBus;
import org.flywaydb.core.Flyway;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar <service jar> rotate-master-key [--rewrap-only | --destroy-retired] [--keyset-out=<file>]
 * [--actor=<name>] [--spring.…]}: the service's own configuration with every role off, as the schema's owner (like
 * {@code migrate} and {@code restore}). See {@link MasterKeyRotation} and the README's "Rotating the master key".
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
        try (ConfigurableApplicationContext context = RecoveryCommand.start(
                options.toArray(String[]::new), false)) {
            JdbcTemplate owner = ownerOf(context);
            MasterKeyRotation rotation = new MasterKeyRotation(context.getBean(CryptoProperties.class), keysetOut,
                                                               owner, context.getBean(EventBus.class), out);
            KeyRecords keys = new KeyRecords(kafkaOf(context));
            if (destroyRetired) {
                rotation.destroyRetired(actor);
            } else if (rewrapOnly) {
                rotation.rewrap(keys::send);
            } else {
                rotation.rotate(actor, keys::send);
            }
            keys.awaitAcknowledgements();
            out.printf("%,d data key records sent to %s.%n", keys.sent(), KafkaTopics.KEYS);
            return 0;
        } catch (IllegalStateException e) {
            out.println(e.getMessage());
            return 1;
        }
    }

    /** The schema's owner, as Flyway is configured: the service's own role may not replace a data key. */
    private static JdbcTemplate ownerOf(ConfigurableApplicationContext context) {
        JdbcTemplate owner = new JdbcTemplate(context.getBean(Flyway.class).getConfiguration().getDataSource());
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

    /** The data keys wrapped again, on {@code account.keys} as the publisher writes them: compaction keeps these. */
    private static final class KeyRecords {

        private final KafkaTemplate<String, String> kafka;
        private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();
        private final List<CompletableFuture<?>> sends = new ArrayList<>();

        KeyRecords(KafkaTemplate<String, String> kafka) {
            this.kafka = kafka;
        }

        void send(String keyId, byte[] wrapped) {
            try {
                sends.add(kafka.send(KafkaTopics.KEYS, keyId, json.writeValueAsString(
                        new WrappedDataKey(keyId, Base64.getEncoder().encodeToString(wrapped)))));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        int sent() {
            return sends.size();
        }

        void awaitAcknowledgements() {
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("The broker did not acknowledge every key record: run "
                                                + "`rotate-master-key --rewrap-only` again", e);
            }
        }
    }
}
