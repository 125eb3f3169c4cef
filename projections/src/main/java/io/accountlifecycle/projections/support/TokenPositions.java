package io.accountlifecycle.projections.support;

import io.accountlifecycle.projections.eventstore.EventStoreHead;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.OptionalLong;

/**
 * How far a streaming processor has come across every instance, read from the token store without claiming anything:
 * what an instance's own processor status cannot tell once segments are spread over several instances (an instance
 * holding none would report the whole store as its lag).
 */
public class TokenPositions {

    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final EventStoreHead head;

    public TokenPositions(JdbcTemplate jdbc, Serializer serializer) {
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.head = new EventStoreHead(jdbc);
    }

    /** The lowest position any segment of {@code processor} has reached (0 for a segment not started); empty if the
     * processor has no tokens yet. */
    public OptionalLong lowest(String processor) {
        List<Long> positions = jdbc.query(
                "select token, token_type from token_entry where processor_name = ?", (row, i) -> {
                    byte[] token = row.getBytes(1);
                    if (token == null) {
                        return 0L;
                    }
                    TrackingToken tracking = serializer.deserialize(
                            new SimpleSerializedObject<>(token, byte[].class, row.getString(2), null));
                    return tracking == null ? 0L : tracking.position().orElse(0L);
                }, processor);
        return positions.stream().mapToLong(Long::longValue).min();
    }

    /** Events stored beyond {@link #lowest}: the processor's lag over all instances. */
    public long lag(String processor) {
        return Math.max(0, head.globalIndex() - lowest(processor).orElse(0L));
    }
}
