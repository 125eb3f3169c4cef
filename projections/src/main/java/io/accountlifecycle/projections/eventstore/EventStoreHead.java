package io.accountlifecycle.projections.eventstore;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The projections' only read of the event table outside Axon's storage engine: how far the store reaches, to tell a
 * processor's lag. (The service's own reader is out of reach: this module depends on the contract only.)
 */
public class EventStoreHead {

    private final JdbcTemplate jdbc;

    public EventStoreHead(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The highest global index stored, 0 when the store is empty. */
    public long globalIndex() {
        Long head = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }
}
