-- Deletion batches and where each of their accounts stands; per-state counts are counted from the second table.
CREATE TABLE projection.deletion_batch
(
    batch_id              uuid          NOT NULL,
    state                 text          NOT NULL,
    reason                text,
    requested_by          text,
    decided_by            text,
    cancelled_by          text,
    accounts              int           NOT NULL,
    monthly_value_at_risk numeric(14, 2) NOT NULL,
    created_at            timestamptz   NOT NULL,
    updated_at            timestamptz   NOT NULL,
    CONSTRAINT deletion_batch_pkey PRIMARY KEY (batch_id)
);
CREATE INDEX deletion_batch_created ON projection.deletion_batch (created_at DESC, batch_id);

-- status: SELECTED (not yet requested), REQUESTED, QUARANTINED, PURGED, RESTORED, SKIPPED (no longer Active)
CREATE TABLE projection.deletion_batch_account
(
    batch_id   uuid NOT NULL,
    account_id uuid NOT NULL,
    status     text NOT NULL,
    CONSTRAINT deletion_batch_account_pkey PRIMARY KEY (batch_id, account_id)
);
CREATE INDEX deletion_batch_account_open ON projection.deletion_batch_account (account_id)
    WHERE status IN ('SELECTED', 'REQUESTED', 'QUARANTINED');

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON projection.deletion_batch, projection.deletion_batch_account
    TO account_app;
GRANT SELECT ON projection.deletion_batch, projection.deletion_batch_account TO analyst;
