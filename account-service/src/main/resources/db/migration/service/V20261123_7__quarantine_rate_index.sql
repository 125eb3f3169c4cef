-- The deletion breaker counts the last minute's quarantines on every deletion request: a small partial index. A plain
-- CREATE INDEX (CONCURRENTLY waits forever on Flyway's own lock transaction); on a large existing store, create it
-- CONCURRENTLY by hand first: the IF NOT EXISTS then makes this a no-op.
CREATE INDEX IF NOT EXISTS domain_event_entry_quarantined_at ON domain_event_entry (time_stamp)
    WHERE payload_type = 'io.accountlifecycle.api.AccountQuarantinedEvent';
