-- Erasure requests (a deletion request of kind ERASURE) and their legal deadlines, on the account's summary row: the
-- open ones are listed by deadline for admins and counted for the AccountErasureDeadlineNear alert.
ALTER TABLE projection.account_summary
    ADD COLUMN deletion_kind          text,
    ADD COLUMN erasure_received_at    timestamptz,
    ADD COLUMN erasure_deadline       timestamptz,
    ADD COLUMN erasure_extended_until timestamptz;
CREATE INDEX account_summary_erasure_deadline
    ON projection.account_summary ((coalesce(erasure_extended_until, erasure_deadline)), account_id)
    WHERE deletion_kind = 'ERASURE' AND status <> 'PURGED';

-- Legal holds as placed and released, with the accounts each one listed when it was placed.
CREATE TABLE projection.legal_hold
(
    hold_id        uuid        NOT NULL,
    matter         text        NOT NULL,
    reason         text,
    criteria       text,
    account_ids    uuid[]      NOT NULL,
    placed_by      text,
    placed_at      timestamptz NOT NULL,
    ends_at        timestamptz,
    released_at    timestamptz,
    released_by    text,
    release_reason text,
    CONSTRAINT legal_hold_pkey PRIMARY KEY (hold_id)
);
CREATE INDEX legal_hold_placed ON projection.legal_hold (placed_at DESC, hold_id);

-- Which holds each account records (applied and not lifted), with when each ends by itself: an account is under
-- hold while one of its rows has no end or an end still ahead.
CREATE TABLE projection.account_legal_hold
(
    account_id uuid        NOT NULL,
    hold_id    uuid        NOT NULL,
    matter     text,
    ends_at    timestamptz,
    applied_at timestamptz NOT NULL,
    CONSTRAINT account_legal_hold_pkey PRIMARY KEY (account_id, hold_id)
);
CREATE INDEX account_legal_hold_hold ON projection.account_legal_hold (hold_id);

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON projection.legal_hold, projection.account_legal_hold TO account_app;
GRANT SELECT ON projection.legal_hold, projection.account_legal_hold TO analyst;
