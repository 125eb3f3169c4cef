-- Axon's event store, owned here rather than generated: bytea payloads, timestamptz instants, and a global index
-- drawn one by one (increment 1) so that index order is close to commit order across instances.

CREATE SEQUENCE domain_event_entry_global_index_seq INCREMENT BY 1 START WITH 1;

-- The inserting transaction takes a transaction id *before* it draws its global index. A reader that sees a hole
-- below a visible event can then prove the hole permanent once every transaction older than a fresh xid has ended
-- (pg_snapshot_xmin), instead of guessing from timestamps. See docs/adr/0002-no-event-is-ever-skipped.md.
CREATE FUNCTION next_event_global_index() RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN nextval('domain_event_entry_global_index_seq');
END
$$;

CREATE TABLE domain_event_entry
(
    global_index         bigint       NOT NULL DEFAULT next_event_global_index(),
    event_identifier     varchar(255) NOT NULL,
    aggregate_identifier varchar(255) NOT NULL,
    sequence_number      bigint       NOT NULL,
    type                 varchar(255),
    time_stamp           timestamptz  NOT NULL,
    payload_type         varchar(255) NOT NULL,
    payload_revision     varchar(255),
    payload              bytea        NOT NULL,
    meta_data            bytea,
    CONSTRAINT domain_event_entry_pkey PRIMARY KEY (global_index),
    CONSTRAINT domain_event_entry_aggregate_sequence_key UNIQUE (aggregate_identifier, sequence_number),
    CONSTRAINT domain_event_entry_event_identifier_key UNIQUE (event_identifier)
);

ALTER SEQUENCE domain_event_entry_global_index_seq OWNED BY domain_event_entry.global_index;

CREATE TABLE snapshot_event_entry
(
    aggregate_identifier varchar(255) NOT NULL,
    sequence_number      bigint       NOT NULL,
    type                 varchar(255) NOT NULL,
    event_identifier     varchar(255) NOT NULL,
    time_stamp           timestamptz  NOT NULL,
    payload_type         varchar(255) NOT NULL,
    payload_revision     varchar(255),
    payload              bytea        NOT NULL,
    meta_data            bytea,
    CONSTRAINT snapshot_event_entry_pkey PRIMARY KEY (aggregate_identifier, sequence_number),
    CONSTRAINT snapshot_event_entry_event_identifier_key UNIQUE (event_identifier)
);

-- Tracking tokens of every streaming processor (publication, projections, sagas), claimed per segment.
CREATE TABLE token_entry
(
    processor_name varchar(255) NOT NULL,
    segment        integer      NOT NULL,
    token          bytea,
    token_type     varchar(255),
    timestamp      varchar(255),
    owner          varchar(255),
    CONSTRAINT token_entry_pkey PRIMARY KEY (processor_name, segment)
);
