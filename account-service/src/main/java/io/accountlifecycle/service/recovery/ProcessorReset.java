package io.accountlifecycle.service.recovery;

import io.accountlifecycle.purge.PurgeSagaConfiguration;
import io.accountlifecycle.service.batch.DeletionBatchExecutor;
import io.accountlifecycle.service.kafka.publication.AccountEventPublisher;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;

/**
 * Processors whose handlers act on the world (publish, send commands, schedule) start at the head of the restored
 * store, so none acts again on history; projections have no token and rebuild from the first event.
 */
final class ProcessorReset {

    /**
     * Publication, the purge saga and the batch executor (which also applies legal holds' coverage), by the names
     * their owners give them.
     */
    static final List<String> ACTING_PROCESSORS = List.of(AccountEventPublisher.PROCESSING_GROUP,
                                                         PurgeSagaConfiguration.SAGA_PROCESSOR,
                                                         DeletionBatchExecutor.PROCESSING_GROUP);

    private final TokenStore tokens;
    private final EventStorageEngine storage;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Environment environment;

    ProcessorReset(TokenStore tokens, EventStorageEngine storage, JdbcTemplate jdbc, TransactionTemplate transaction,
                   Environment environment) {
        this.tokens = tokens;
        this.storage = storage;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.environment = environment;
    }

    /** Once, in one transaction with the restore's note that it happened. */
    void run() {
        TrackingToken head = storage.createHeadToken();
        transaction.executeWithoutResult(status -> {
            jdbc.update("update restore_state set processors_reset_at = now()");
            jdbc.update("delete from token_entry");
            for (String processor : ACTING_PROCESSORS) {
                tokens.initializeTokenSegments(processor, initialSegments(environment, processor), head);
            }
        });
    }

    /** The segments a processor is configured to start with (Axon's property, 1 where it is not set). */
    static int initialSegments(Environment environment, String processor) {
        return environment.getProperty("axon.eventhandling.processors." + processor + ".initial-segment-count",
                                       Integer.class, 1);
    }
}
