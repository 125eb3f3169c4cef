-- A restore verifies every record it reads from Kafka before the live tables change: records are written here first,
-- each page with how far its partitions were read, and merged into the event store and the key table in one
-- transaction once every record verified or was skipped by name. Unlogged: staging is scratch that Kafka still holds,
-- so it needs no WAL; a PostgreSQL crash empties every unlogged table at once (staging, progress and the refusals
-- found), and the restore then stages from the beginning again, which is consistent. Only the restore, which runs as
-- the owner, touches them: account_app gets no grant.
CREATE UNLOGGED TABLE restore_event_staging (LIKE domain_event_entry);

-- account.keys is read whole on every run; per key id, the latest authenticated key and an authenticated tombstone
-- after it, whose AccountPurged the merge looks for among the staged events.
CREATE UNLOGGED TABLE restore_key_staging
(
    key_id              varchar(64) NOT NULL,
    wrapped_key         bytea,
    tombstone_partition int,
    tombstone_offset    bigint,
    CONSTRAINT restore_key_staging_pkey PRIMARY KEY (key_id)
);

CREATE UNLOGGED TABLE restore_staging_progress
(
    topic       varchar(255) NOT NULL,
    partition   int          NOT NULL,
    next_offset bigint       NOT NULL,
    CONSTRAINT restore_staging_progress_pkey PRIMARY KEY (topic, partition)
);

-- Records of account.events refused while staging (untagged, a tag that does not verify, unreadable): a resumed
-- restore still names them, and merges only once each is skipped.
CREATE UNLOGGED TABLE restore_refusal
(
    topic     varchar(255) NOT NULL,
    partition int          NOT NULL,
    "offset"  bigint       NOT NULL,
    reason    text         NOT NULL,
    CONSTRAINT restore_refusal_pkey PRIMARY KEY (topic, partition, "offset")
);

-- The restore's report of what it went past on the operator's --skip, kept with the restored data.
CREATE TABLE restore_skip
(
    topic      varchar(255) NOT NULL,
    partition  int          NOT NULL,
    "offset"   bigint       NOT NULL,
    reason     text         NOT NULL,
    skipped_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT restore_skip_pkey PRIMARY KEY (topic, partition, "offset")
);

-- When staging was merged into the live tables (in the merge's own transaction): a restore killed after it does not
-- read Kafka again. And the master key ids staging verified with: a run with other keys (the right master key given
-- after the wrong one) stages again from the start instead of keeping refusals that no longer hold.
ALTER TABLE restore_state ADD COLUMN merged_at timestamptz;
ALTER TABLE restore_state ADD COLUMN staged_with text;

-- Progress of the former direct write into the event store; staging keeps its own, unlogged, with its rows.
DROP TABLE restore_progress;
