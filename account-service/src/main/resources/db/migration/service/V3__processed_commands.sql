-- The outcome of every command received over Kafka, by command id: what makes a redelivered or re-sent command
-- have exactly one effect and the same result each time.
CREATE TABLE processed_command
(
    command_id   uuid        NOT NULL,
    account_id   uuid,
    command_type varchar(64),
    status       varchar(16) NOT NULL,
    reason       text,
    processed_at timestamptz NOT NULL,
    CONSTRAINT processed_command_pkey PRIMARY KEY (command_id)
);
