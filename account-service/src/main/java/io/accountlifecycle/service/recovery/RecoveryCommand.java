package io.accountlifecycle.service.recovery;

import io.accountlifecycle.projections.admin.ProjectionAdmin;
import io.accountlifecycle.projections.support.TokenPositions;
import io.accountlifecycle.purge.saga.PurgeSagaRestorer;
import io.accountlifecycle.service.AccountServiceApplication;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import io.accountlifecycle.service.roles.Roles;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar <service jar> restore|verify [--spring.datasource.url=… --spring.kafka.bootstrap-servers=… …]}:
 * the service's own configuration (properties, environment), with every role off and no web server, so nothing
 * acts while the store is rebuilt or read.
 * <ul>
 *   <li>{@code restore [--skip topic:partition:offset[,…]]…}: an empty event store and key store from
 *       {@code account.events} and {@code account.keys}, only from records whose authentication tag verifies
 *       ({@link EventStoreRestore}), the purge sagas and their deadlines, then every projection from the first event.
 *       Resumable. A refused record stops it before the live tables change; {@code --skip} goes past exactly the
 *       records it names.</li>
 *   <li>{@code verify}: per table, rows and an order-independent checksum ({@link VerifyReport}); then whether every
 *       live account's data key has an authenticated record on {@code account.keys} ({@link KeyTopicAudit}). Exit
 *       status {@value #KEYS_NOT_BACKED_UP} when one has not.</li>
 * </ul>
 */
public final class RecoveryCommand {

    /**
     * Exit status of a verify that found a live account whose key a restore could not bring back (or could not read
     * {@code account.keys}).
     */
    public static final int KEYS_NOT_BACKED_UP = 5;

    private RecoveryCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("restore") || args[0].equals("verify"));
    }

    public static int run(String[] args, PrintStream out) {
        List<String> skipValues = new ArrayList<>();
        String[] options = withoutSkips(Arrays.copyOfRange(args, 1, args.length), skipValues);
        if (args[0].equals("verify")) {
            try (ConfigurableApplicationContext context = start(options, false, false)) {
                JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                new VerifyReport(jdbc).print(out);
                KeyTopicAudit.Result keys;
                try {
                    keys = new KeyTopicAudit(
                            new TopicReader(context.getBean(ConsumerFactory.class).getConfigurationProperties(), 5_000),
                            context.getBean(RecordAuthentication.class), jdbc).run();
                } catch (RuntimeException e) {
                    out.println(KafkaTopics.KEYS + ": not checked: " + e.getMessage());
                    return KEYS_NOT_BACKED_UP;
                }
                keys.lines().forEach(out::println);
                return keys.allAuthenticated() ? 0 : KEYS_NOT_BACKED_UP;
            }
        }
        Set<RecordLocation> skips;
        try {
            skips = RecordLocation.parseAll(skipValues);
        } catch (IllegalArgumentException e) {
            out.println("Refused: " + e.getMessage());
            return 2;
        }
        int status;
        try (ConfigurableApplicationContext context = start(options, false, true)) {
            status = restore(context).run(out, skips);
        }
        if (status != 0) {
            return status;
        }
        try (ConfigurableApplicationContext context = start(options, true, false)) {
            new ProjectionRebuild(context.getBean(ProjectionAdmin.class), context.getBean(TokenPositions.class),
                                  context.getBean(EventProcessingConfiguration.class), context.getBean(TokenStore.class),
                                  context.getBean(EventStorageEngine.class),
                                  new TransactionTemplate(context.getBean(PlatformTransactionManager.class)),
                                  context.getEnvironment()).run(out);
            context.getBean(JdbcTemplate.class).update("update restore_state set projections_rebuilt_at = now()");
        }
        out.println("Restore complete. Start the service, and compare `verify` with the report taken before the loss.");
        return 0;
    }

    /** The options without {@code --skip x} and {@code --skip=x}, whose values go to {@code skips}. */
    static String[] withoutSkips(String[] options, List<String> skips) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals("--skip") && i + 1 < options.length) {
                skips.add(options[++i]);
            } else if (options[i].startsWith("--skip=")) {
                skips.add(options[i].substring("--skip=".length()));
            } else {
                rest.add(options[i]);
            }
        }
        return rest.toArray(String[]::new);
    }

    /**
     * The service's context with every role off (the projections on, to rebuild them); {@code asOwner}: connected as
     * the owner role ({@link OwnerConnection}).
     */
    static ConfigurableApplicationContext start(String[] options, boolean projections, boolean asOwner) {
        List<String> arguments = new ArrayList<>(List.of(options));
        for (String role : List.of(Roles.HTTP_COMMANDS, Roles.KAFKA_INTAKE, Roles.EVENT_PUBLICATION,
                                   Roles.DELETION_SAGA)) {
            arguments.add("--" + role + "=false");
        }
        arguments.add("--" + Roles.PROJECTIONS + "=" + projections);
        SpringApplicationBuilder builder = new SpringApplicationBuilder(AccountServiceApplication.class);
        if (asOwner) {
            builder.initializers(OwnerConnection.initializer());
        }
        return builder
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN",
                            "logging.level.io.accountlifecycle.service.recovery=INFO")
                .run(arguments.toArray(String[]::new));
    }

    private static EventStoreRestore restore(ConfigurableApplicationContext context) {
        TransactionManager axonTransactions = context.getBean(TransactionManager.class);
        PurgeSagaRestorer sagas = new PurgeSagaRestorer(context.getBean(ConnectionProvider.class),
                                                        context.getBean(DataSource.class),
                                                        context.getBean(org.axonframework.config.Configuration.class),
                                                        context.getBean(Serializer.class), axonTransactions);
        return new EventStoreRestore(context.getBean(JdbcTemplate.class),
                                     new TransactionTemplate(context.getBean(PlatformTransactionManager.class)),
                                     context.getBean(ConsumerFactory.class).getConfigurationProperties(),
                                     context.getBean(TokenStore.class), context.getBean(EventStorageEngine.class),
                                     context.getBean(EventTable.class), sagas, context.getBean(CommandSender.class),
                                     context.getBean(RecordAuthentication.class), context.getEnvironment());
    }
}
