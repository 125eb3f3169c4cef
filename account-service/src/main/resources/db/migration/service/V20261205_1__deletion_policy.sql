-- The deletion policy's ledger: every account deletion the policy let through or sent for approval, whatever the door
-- (HTTP, Kafka, a batch), by whom, in which operation, and the monthly value it put at risk. Rolling windows over it
-- bound what one actor, and everyone together, may delete without a second person; the requests waiting for approval
-- are listed from it. A decision and its row commit in one transaction, under one advisory lock (DeletionPolicy).
CREATE TABLE deletion_request
(
    id             bigserial   NOT NULL,
    account_id     uuid        NOT NULL,
    requested_by   text        NOT NULL,
    correlation_id text,
    batch_id       uuid,
    reason         text,
    requested_at   timestamptz NOT NULL,
    plan           text,
    monthly_value  numeric     NOT NULL,
    -- ALONE: went ahead on the requester's authority (counts against the windows); PENDING_APPROVAL; APPROVED,
    -- REJECTED, EXPIRED: decided by a second person or by time.
    decision       text        NOT NULL,
    decided_by     text,
    decided_at     timestamptz,
    -- the operation it belongs to: its batch, or the actor and correlation of the request (else the request alone)
    operation_id   uuid        NOT NULL,
    CONSTRAINT deletion_request_pkey PRIMARY KEY (id)
);
CREATE INDEX deletion_request_requested_at ON deletion_request (requested_at);
CREATE INDEX deletion_request_pending ON deletion_request (account_id) WHERE decision = 'PENDING_APPROVAL';
CREATE INDEX deletion_request_batch ON deletion_request (batch_id) WHERE batch_id IS NOT NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON deletion_request TO account_app;
GRANT USAGE ON SEQUENCE deletion_request_id_seq TO account_app;

-- A preview token is for what previewed it: a bulk deletion's, or an operation undo's.
ALTER TABLE deletion_preview ADD COLUMN kind text NOT NULL DEFAULT 'BATCH';

-- The breaker counts deletion requests (accepted, or waiting for approval) of the last minute; the operation undo
-- finds requests by time. Plain CREATE INDEX for the same reason as the quarantines' one (V20261123_7).
CREATE INDEX IF NOT EXISTS domain_event_entry_deletion_requested_at ON domain_event_entry (time_stamp)
    WHERE payload_type IN ('io.accountlifecycle.api.AccountDeletionRequestedEvent',
                           'io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent');
