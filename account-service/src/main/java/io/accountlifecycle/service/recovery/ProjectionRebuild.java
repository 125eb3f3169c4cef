package io.accountlifecycle.service.recovery;

import io.accountlifecycle.projections.admin.ProjectionAdmin;
import io.accountlifecycle.projections.admin.ProjectionStatusView;
import io.accountlifecycle.projections.support.TokenPositions;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.core.env.Environment;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The restore's second phase: every projection replayed in bulk from the first event, one after the other.
 *
 * <p>The context starts every projection's processor, and the restore leaves them no token, so each would set out
 * from the first event on Axon's own path (a third of the bulk rate) beside the one being replayed in bulk: in a
 * profile of a 148,019-event drill, the other four processors' coordinators and work packages took 72 % of the JVM's
 * CPU samples while {@code account-summary} replayed, for work thrown away when each projection's own replay emptied
 * its tables. So every projection's processor is stopped first, and starts again only when its bulk replay has
 * applied the store (and idles at the head). A processor that had not yet written its tokens
 * gets them here, at the first event as Axon would have written them: killed at any point, every projection still
 * has tokens no further than what it applied, so the next restore (or a plain start) leaves no event out.
 *
 * <p>A projection is rebuilt once its bulk replay is over and every one of its tokens has reached the last event:
 * tokens commit with the rows they account for, and nothing appends to the store while it restores. Waiting instead
 * for the restarted processor to call itself caught up cost about 5 s a projection (its coordinator claims its
 * segments, then looks at the stream again only after its claim interval).
 */
final class ProjectionRebuild {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final ProjectionAdmin admin;
    private final TokenPositions positions;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final EventStorageEngine storage;
    private final TransactionTemplate transaction;
    private final Environment environment;

    ProjectionRebuild(ProjectionAdmin admin, TokenPositions positions, EventProcessingConfiguration processing,
                      TokenStore tokens, EventStorageEngine storage, TransactionTemplate transaction,
                      Environment environment) {
        this.admin = admin;
        this.positions = positions;
        this.processing = processing;
        this.tokens = tokens;
        this.storage = storage;
        this.transaction = transaction;
        this.environment = environment;
    }

    void run(PrintStream out) {
        for (String name : admin.names()) {
            processing.eventProcessor(name, StreamingEventProcessor.class).orElseThrow().shutDown();
        }
        transaction.executeWithoutResult(status -> {
            for (String name : admin.names()) {
                if (tokens.fetchSegments(name).length == 0) {
                    tokens.initializeTokenSegments(name, ProcessorReset.initialSegments(environment, name),
                                                   ReplayToken.createReplayToken(storage.createHeadToken()));
                }
            }
        });
        for (String name : admin.names()) {
            rebuild(name, out);
        }
    }

    private void rebuild(String name, PrintStream out) {
        Instant start = Instant.now();
        admin.replay(name);
        Instant reported = start;
        while (true) {
            ProjectionStatusView status = admin.status(name);
            if (!status.replaying() && positions.lag(name) == 0) {
                break;
            }
            if (Duration.between(reported, Instant.now()).compareTo(REPORT_EVERY) >= 0) {
                reported = Instant.now();
                out.printf("Projection %s: at event %s%n", name, status.position());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        out.printf("Projection %s rebuilt in %.1f s%n", name,
                   Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }
}
