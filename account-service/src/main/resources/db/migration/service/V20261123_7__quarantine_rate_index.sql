-- The deletion breaker counts the last minute's quarantines on every deletion request: a small partial index.
CREATE INDEX domain_event_entry_quarantined_at ON domain_event_entry (time_stamp)
    WHERE payload_type = 'io.accountlifecycle.api.AccountQuarantinedEvent';
