-- The purge saga's state, its persistent deadlines and the pending-purge list. Versions in every module's migration
-- folder are timestamps (VyyyyMMdd_n) from here on, so modules never collide and always apply in creation order.

CREATE TABLE saga_entry
(
    saga_id         varchar(255) NOT NULL,
    revision        varchar(255),
    saga_type       varchar(255),
    serialized_saga bytea,
    CONSTRAINT saga_entry_pkey PRIMARY KEY (saga_id)
);

CREATE TABLE association_value_entry
(
    id                bigserial    NOT NULL,
    association_key   varchar(255),
    association_value varchar(255),
    saga_id           varchar(255),
    saga_type         varchar(255),
    CONSTRAINT association_value_entry_pkey PRIMARY KEY (id)
);
CREATE INDEX association_value_entry_lookup ON association_value_entry (saga_type, association_key, association_value);
CREATE INDEX association_value_entry_saga ON association_value_entry (saga_id, saga_type);

-- db-scheduler's table: one row per scheduled deadline.
CREATE TABLE scheduled_tasks
(
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_execution_time ON scheduled_tasks (priority DESC, execution_time ASC);

CREATE TABLE pending_purge
(
    account_id     uuid        NOT NULL,
    quarantined_at timestamptz NOT NULL,
    purge_due_at   timestamptz NOT NULL,
    CONSTRAINT pending_purge_pkey PRIMARY KEY (account_id)
);
CREATE INDEX pending_purge_due ON pending_purge (purge_due_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON saga_entry, association_value_entry, scheduled_tasks, pending_purge
    TO account_app;
GRANT USAGE ON SEQUENCE association_value_entry_id_seq TO account_app;
