-- Refusals of authenticated callers, counted per subject, action (the endpoint refused, or any path no endpoint
-- serves) and minute: every refusal adds one to its row, and once the minute has closed the row becomes a single
-- AccessDeniedEvent and is deleted (AccessRefusals). So a flood of refused requests grows the event store by at most
-- one event per subject, action and minute, and the subject's sum over the current minute is what answers 429.
-- Shared by every instance; a row outlives a restart until some instance flushes it.
CREATE TABLE access_refusal
(
    actor      text        NOT NULL,
    minute     timestamptz NOT NULL,
    action     text        NOT NULL,
    -- The request's method and path while every refusal of the row agreed on them, else the action's.
    method     text        NOT NULL,
    path       text        NOT NULL,
    -- The account every refusal of the row named; null when they named none or several.
    account_id text,
    reason     text        NOT NULL,
    refusals   bigint      NOT NULL,
    first_at   timestamptz NOT NULL,
    last_at    timestamptz NOT NULL,
    -- (actor, minute) first: a refusal sums its subject's rows of the minute through this index.
    CONSTRAINT access_refusal_pkey PRIMARY KEY (actor, minute, action)
);

-- UPDATE and DELETE also let the flush LOCK the table (SHARE ROW EXCLUSIVE needs one of them).
GRANT SELECT, INSERT, UPDATE, DELETE ON access_refusal TO account_app;
