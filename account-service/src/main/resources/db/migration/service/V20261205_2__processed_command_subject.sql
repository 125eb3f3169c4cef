-- Kafka commands are authenticated by a bearer token in the record: a command is its sender's (the token's subject)
-- and its commandId, so no producer can claim another's command ids, nor be answered with another's outcome.
-- Outcomes recorded before have no subject (''), as have commands accepted without a token while
-- account.kafka.intake.require-token is false: both stay idempotent by commandId alone, as they were.
ALTER TABLE processed_command ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE processed_command ALTER COLUMN subject DROP DEFAULT;
ALTER TABLE processed_command
    DROP CONSTRAINT processed_command_pkey,
    ADD CONSTRAINT processed_command_pkey PRIMARY KEY (subject, command_id);

-- A deletion request that waits for approval learns so only by running, after its outcome row was claimed: the
-- intake then settles that row as PENDING_APPROVAL with the reason. Nothing else of a recorded outcome may change.
GRANT UPDATE (status, reason) ON processed_command TO account_app;
