package io.accountlifecycle.projections;

import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.projections.audit.AuditLog;
import io.accountlifecycle.projections.batches.DeletionBatchQueries;
import io.accountlifecycle.projections.stats.DailyStats;
import io.accountlifecycle.projections.holds.LegalHoldQueries;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.projections.support.PersonalDataAccess;
import io.accountlifecycle.projections.support.TokenPositions;
import io.accountlifecycle.projections.timeline.AccountTimelines;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;

/**
 * Reading the projection tables, on every instance whatever its roles: a bulk-deletion preview on an API instance
 * reads the account summary that the projections instances keep. Only SQL over the {@code projection} schema — no
 * processor, no endpoint; those are {@link ProjectionsConfiguration}'s.
 */
@AutoConfiguration
@Import({AccountTimelines.class, AuditLog.class, DailyStats.class, DeletionBatchQueries.class})
public class ProjectionQueriesConfiguration {

    @Bean
    TokenPositions tokenPositions(JdbcTemplate jdbc, Serializer serializer) {
        return new TokenPositions(jdbc, serializer);
    }

    @Bean
    AccountSummaries accountSummaries(JdbcTemplate jdbc, SealedValueOpener opener,
                                      ObjectProvider<PersonalDataAccess> access, ObjectProvider<Clock> clock) {
        return new AccountSummaries(jdbc, opener, access.getIfAvailable(() -> () -> false),
                                    clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    LegalHoldQueries legalHoldQueries(JdbcTemplate jdbc, ObjectProvider<Clock> clock) {
        return new LegalHoldQueries(jdbc, clock.getIfAvailable(Clock::systemUTC));
    }
}
