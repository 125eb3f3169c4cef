-- A restore from Kafka in progress (or done): where each partition of a topic was read up to, committed with the
-- rows it produced, so a restore killed half-way goes on from there; and when it started and finished. A database
-- with events and no row here was not made by a restore, and a restore refuses it.
CREATE TABLE restore_state
(
    id          int         NOT NULL DEFAULT 1,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    CONSTRAINT restore_state_pkey PRIMARY KEY (id),
    CONSTRAINT restore_state_single_row CHECK (id = 1)
);

CREATE TABLE restore_progress
(
    topic       varchar(255) NOT NULL,
    partition   int          NOT NULL,
    next_offset bigint       NOT NULL,
    CONSTRAINT restore_progress_pkey PRIMARY KEY (topic, partition)
);

GRANT SELECT, INSERT, UPDATE ON restore_state TO account_app;
GRANT SELECT, INSERT, UPDATE ON restore_progress TO account_app;
