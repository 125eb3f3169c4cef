-- A processor taken by one instance for a while (a projection replay resets every segment's token): the others
-- release its segments and stay away until the row is gone or has expired (its holder died).
CREATE TABLE processing_exclusive
(
    processor_name varchar(255) NOT NULL,
    member         varchar(255) NOT NULL,
    expires_at     timestamptz  NOT NULL,
    CONSTRAINT processing_exclusive_pkey PRIMARY KEY (processor_name)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON processing_exclusive TO account_app;
