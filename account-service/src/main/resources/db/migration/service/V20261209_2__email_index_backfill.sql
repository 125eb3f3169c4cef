-- Accounts opened before the email index existed get their rows only from a replay of account-summary: a migration has
-- no key to compute a MAC with. This row asks for that replay when there is history already; the first instance of the
-- projections role to start claims it and replays once (search.EmailIndexBackfill), and the replay's reset deletes it.
-- A claim that no reset followed (the instance stopped in between) may be taken again after a while.
CREATE TABLE email_index_backfill
(
    id           smallint    NOT NULL DEFAULT 1,
    requested_at timestamptz NOT NULL DEFAULT now(),
    claimed_at   timestamptz,
    CONSTRAINT email_index_backfill_pkey PRIMARY KEY (id),
    CONSTRAINT email_index_backfill_single CHECK (id = 1)
);
INSERT INTO email_index_backfill (id)
SELECT 1
WHERE EXISTS (SELECT FROM domain_event_entry);
GRANT SELECT, UPDATE, DELETE ON email_index_backfill TO account_app;
