-- The read models, in their own schema: rebuilt from the event store by replay (so nothing here is a source of
-- truth), readable by the analyst role, and holding personal fields only as ciphertext under each account's key.
-- Every row records the sequence number of the last event applied to it, so a replay or a redelivery changes nothing.

CREATE SCHEMA projection;

CREATE TABLE projection.account_summary
(
    account_id              uuid        NOT NULL,
    status                  text        NOT NULL,
    plan                    text        NOT NULL,
    protected               boolean     NOT NULL,
    created_at              timestamptz NOT NULL,
    last_activity_at        timestamptz,
    deletion_requested_at   timestamptz,
    deletion_requested_by   text,
    deletion_reason         text,
    quarantined_at          timestamptz,
    purge_due_at            timestamptz,
    purged_at               timestamptz,
    batch_id                uuid,
    email_key_id            text,
    email_ciphertext        text,
    display_name_key_id     text,
    display_name_ciphertext text,
    version                 bigint      NOT NULL,
    updated_at              timestamptz NOT NULL,
    CONSTRAINT account_summary_pkey PRIMARY KEY (account_id)
) WITH (fillfactor = 80);
CREATE INDEX account_summary_status_plan ON projection.account_summary (status, plan, account_id);
-- No index on the last activity: activity is most of the stream, and an update that touches no indexed column is a
-- HOT update (a page-local rewrite, no index entries; fillfactor leaves it room). "Inactive since" is a scan of
-- the (status, plan) range or of the table: ~0.1 s per million accounts.
-- Pending purges, soonest first, straight from the summary: the two can never disagree.
CREATE INDEX account_summary_purge_due ON projection.account_summary (purge_due_at, account_id)
    WHERE status = 'QUARANTINED';

CREATE VIEW projection.pending_purge AS
SELECT account_id, plan, protected, quarantined_at, purge_due_at, batch_id, deletion_reason, deletion_requested_by
FROM projection.account_summary
WHERE status = 'QUARANTINED';

-- Every change of an account's lifecycle, with who did it and why.
CREATE TABLE projection.account_timeline
(
    account_id      uuid        NOT NULL,
    sequence_number bigint      NOT NULL,
    occurred_at     timestamptz NOT NULL,
    change          text        NOT NULL,
    status          text        NOT NULL,
    plan            text,
    actor           text,
    reason          text,
    purge_due_at    timestamptz,
    batch_id        uuid,
    correlation_id  text,
    CONSTRAINT account_timeline_pkey PRIMARY KEY (account_id, sequence_number)
);

-- Every admin action (and every refused attempt), newest first.
CREATE TABLE projection.audit_log
(
    event_id       text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    action         text        NOT NULL,
    actor          text,
    account_id     uuid,
    batch_id       uuid,
    reason         text,
    correlation_id text,
    details        text,
    CONSTRAINT audit_log_pkey PRIMARY KEY (event_id)
);
CREATE INDEX audit_log_occurred ON projection.audit_log (occurred_at DESC, event_id);
CREATE INDEX audit_log_actor ON projection.audit_log (actor, occurred_at DESC);
CREATE INDEX audit_log_account ON projection.audit_log (account_id, occurred_at DESC);

-- Lifecycle counts per UTC day and plan (the account's plan when the event happened).
CREATE TABLE projection.daily_lifecycle_stats
(
    day                date   NOT NULL,
    plan               text   NOT NULL,
    opened             bigint NOT NULL DEFAULT 0,
    deletion_requested bigint NOT NULL DEFAULT 0,
    quarantined        bigint NOT NULL DEFAULT 0,
    cancelled          bigint NOT NULL DEFAULT 0,
    purged             bigint NOT NULL DEFAULT 0,
    CONSTRAINT daily_lifecycle_stats_pkey PRIMARY KEY (day, plan)
);

-- The daily statistics' own memory of each account: its plan, and the last event counted (so none counts twice).
CREATE TABLE projection.daily_stats_account
(
    account_id uuid   NOT NULL,
    plan       text   NOT NULL,
    version    bigint NOT NULL,
    CONSTRAINT daily_stats_account_pkey PRIMARY KEY (account_id)
);

-- Axon's sequenced dead-letter queue (JdbcSequencedDeadLetterQueue, default column names): an event a projection
-- could not apply parks here with every later event of its account, while other accounts keep flowing. Not in the
-- projection schema: it holds whole events, which analysts have no business reading.
CREATE TABLE public.projection_dead_letter
(
    deadletteridentifier varchar(255)  NOT NULL,
    processinggroup      varchar(255)  NOT NULL,
    sequenceidentifier   varchar(255)  NOT NULL,
    sequenceindex        bigint        NOT NULL,
    messagetype          varchar(255)  NOT NULL,
    eventidentifier      varchar(255)  NOT NULL,
    timestamp            varchar(255)  NOT NULL,
    payloadtype          varchar(255)  NOT NULL,
    payloadrevision      varchar(255),
    payload              bytea         NOT NULL,
    metadata             bytea,
    type                 varchar(255),
    aggregateidentifier  varchar(255),
    sequencenumber       bigint,
    tokentype            varchar(255),
    token                bytea,
    enqueuedat           varchar(255)  NOT NULL,
    lasttouched          varchar(255),
    processingstarted    varchar(255),
    causetype            varchar(255),
    causemessage         varchar(1023),
    diagnostics          bytea,
    CONSTRAINT projection_dead_letter_pkey PRIMARY KEY (deadletteridentifier),
    CONSTRAINT projection_dead_letter_sequence UNIQUE (processinggroup, sequenceidentifier, sequenceindex)
);
CREATE INDEX projection_dead_letter_group ON public.projection_dead_letter (processinggroup);

-- The application maintains the read models (TRUNCATE: a replay starts from empty).
GRANT USAGE ON SCHEMA projection TO account_app;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA projection TO account_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.projection_dead_letter TO account_app;

-- Analysts: SELECT on the projection schema and nothing else — not the event table, not the keys, no writes. The
-- role cannot log in until account.db.analyst-password (ACCOUNT_ANALYST_PASSWORD) gives it a password.
DO
$$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN
        CREATE ROLE analyst NOLOGIN;
    END IF;
END
$$;
ALTER ROLE analyst SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA projection TO analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA projection TO analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA projection GRANT SELECT ON TABLES TO analyst;
-- No temporary tables either (PostgreSQL grants TEMPORARY to PUBLIC; the application has no use for it).
DO
$$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
