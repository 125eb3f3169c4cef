package io.accountlifecycle.projections;

import io.accountlifecycle.projections.admin.ProjectionAdmin;
import io.accountlifecycle.projections.admin.ProjectionAdminController;
import io.accountlifecycle.projections.admin.ProjectionMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.accountlifecycle.projections.batches.DeletionBatchProjector;
import io.accountlifecycle.projections.holds.LegalHoldProjector;
import io.accountlifecycle.projections.holds.LegalHoldsController;
import io.accountlifecycle.projections.audit.AuditLogProjector;
import io.accountlifecycle.projections.http.AnalyticsController;
import io.accountlifecycle.projections.http.PendingPurgesController;
import io.accountlifecycle.projections.stats.DailyStatsProjector;
import io.accountlifecycle.projections.summary.AccountSummaryProjector;
import io.accountlifecycle.projections.support.ExclusiveSegments;
import io.accountlifecycle.projections.support.StatementGuard;
import io.accountlifecycle.projections.support.TokenPositions;
import io.accountlifecycle.projections.support.TransientFailuresAreRetried;
import io.accountlifecycle.projections.timeline.AccountTimelineProjector;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.List;

/**
 * The projections role: one pooled streaming processor per projection (its own token, so each replays alone), each
 * with Axon's JDBC sequenced dead-letter queue, their query API and their admin endpoints. Off with
 * {@code account.projections.enabled=false}: no processor, no endpoint ({@link ProjectionQueriesConfiguration}'s
 * plain queries stay, for the services that read the summary).
 * Migrations: {@code db/migration/projections}.
 */
@AutoConfiguration(after = ProjectionQueriesConfiguration.class)
@ConditionalOnProperty(name = "account.projections.enabled", havingValue = "true", matchIfMissing = true)
// Projectors and queries have one constructor each (JdbcTemplate, and the guard for projectors): Spring builds them.
@Import({AccountSummaryProjector.class, AccountTimelineProjector.class, AuditLogProjector.class,
         DailyStatsProjector.class, DeletionBatchProjector.class, LegalHoldProjector.class,
         AnalyticsController.class, LegalHoldsController.class,
         PendingPurgesController.class, ProjectionAdminController.class})
public class ProjectionsConfiguration {

    /** The projections by name: their processing groups, and what {@code /admin/projections/{name}} takes. */
    public static final List<String> PROJECTIONS = List.of(AccountSummaryProjector.NAME,
                                                           AccountTimelineProjector.NAME,
                                                           AuditLogProjector.NAME,
                                                           DailyStatsProjector.NAME,
                                                           DeletionBatchProjector.NAME);

    /** After a failure in the database, this many events run under a savepoint each (a few batches' worth). */
    private static final long CAREFUL_EVENTS = 2_000;

    @Bean
    StatementGuard projectionStatementGuard(DataSource dataSource) {
        return new StatementGuard(dataSource, CAREFUL_EVENTS);
    }

    @Bean
    ProjectionAdmin projectionAdmin(org.axonframework.config.Configuration axon, JdbcTemplate jdbc,
                                    StatementGuard guard, EventStorageEngine storage, TokenStore tokens,
                                    TransactionManager transactions, ObjectProvider<ExclusiveSegments> exclusive) {
        return new ProjectionAdmin(axon, PROJECTIONS, jdbc, guard, storage, tokens, transactions,
                                   exclusive.getIfAvailable(() -> ExclusiveSegments.SINGLE_INSTANCE));
    }

    @Bean
    SmartInitializingSingleton projectionMetrics(ObjectProvider<MeterRegistry> registry, ProjectionAdmin admin,
                                                 TokenPositions positions) {
        return () -> registry.ifAvailable(r -> ProjectionMetrics.register(r, admin, positions));
    }

    /**
     * Each projection parks a failing event, and every later event of the same account, in the JDBC dead-letter
     * queue ({@code projection_dead_letter}); other accounts keep flowing. Handler errors must propagate for the
     * queue to see them; a transient failure (deadlock, lost connection) fails the batch for a retry instead of
     * parking anything. A replay empties the projection's queue with its tables. The identifier cache spares a
     * query per event ("is this account parked?") while nothing is parked.
     */
    @Bean
    ConfigurerModule projectionDeadLetters(ConnectionProvider connectionProvider,
                                           TransactionManager transactionManager, Serializer serializer) {
        DeadLetterSchema schema = DeadLetterSchema.builder().deadLetterTable("projection_dead_letter").build();
        return configurer -> {
            for (String name : PROJECTIONS) {
                configurer.eventProcessing()
                          .registerListenerInvocationErrorHandler(name, c -> PropagatingErrorHandler.instance())
                          .registerDeadLetterQueue(name, c -> JdbcSequencedDeadLetterQueue.builder()
                                  .processingGroup(name)
                                  .connectionProvider(connectionProvider)
                                  .transactionManager(transactionManager)
                                  .schema(schema)
                                  .genericSerializer(serializer)
                                  .eventSerializer(c.eventSerializer())
                                  .build())
                          .registerDeadLetterPolicy(name, c -> new TransientFailuresAreRetried())
                          .registerDeadLetteringEventHandlerInvokerConfiguration(
                                  name, (c, builder) -> builder.allowReset(true).enableSequenceIdentifierCache());
            }
        };
    }
}
