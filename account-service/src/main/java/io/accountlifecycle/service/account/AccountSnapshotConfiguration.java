package io.accountlifecycle.service.account;

import io.accountlifecycle.service.eventstore.SequenceSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When an account is snapshotted: every {@code account.snapshots.threshold} events of its stream (default 100, see
 * {@link SequenceSnapshotTriggerDefinition}), so an account with a long history rebuilds from its latest snapshot and
 * fewer events than that. 0 switches snapshots off: loads then read the whole stream again.
 * <p>
 * A snapshot holds nothing a purge must remove: only the sealed values the account's events hold too, which the
 * purge makes unreadable for good by destroying the account's key (crypto-shredding), in the events and in any
 * snapshot alike. So a purge leaves snapshots alone, as it leaves the events.
 */
@Configuration(proxyBeanMethods = false)
public class AccountSnapshotConfiguration {

    /** The bean name {@link Account} refers to. */
    public static final String TRIGGER = "accountSnapshotTrigger";

    @Bean(TRIGGER)
    SnapshotTriggerDefinition accountSnapshotTrigger(Snapshotter snapshotter,
                                                     @Value("${account.snapshots.threshold:100}") int threshold) {
        return threshold > 0 ? new SequenceSnapshotTriggerDefinition(snapshotter, threshold)
                             : NoSnapshotTriggerDefinition.INSTANCE;
    }
}
