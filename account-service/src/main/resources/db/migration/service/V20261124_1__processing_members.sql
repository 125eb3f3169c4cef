-- The instances running each streaming processor, heartbeated by SegmentBalancer: how instances that share one token
-- store know how many they are, so that each takes its fair share of segments instead of the first one taking all.
CREATE TABLE processing_member
(
    processor_name varchar(255) NOT NULL,
    member         varchar(255) NOT NULL,
    last_seen      timestamptz  NOT NULL,
    CONSTRAINT processing_member_pkey PRIMARY KEY (processor_name, member)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON processing_member TO account_app;
