-- Running totals of the deletion policy's windows: what went ahead on its requester's authority alone, per actor
-- (kind ACTOR) and for everyone (kind TOTAL, actor ''), per minute. A decision sums at most a window's minutes,
-- however many deletions the window holds; the minute a window starts in counts whole (the window errs a minute long).
CREATE TABLE deletion_window
(
    kind          text        NOT NULL,
    actor         text        NOT NULL,
    minute        timestamptz NOT NULL,
    accounts      bigint      NOT NULL,
    monthly_value numeric     NOT NULL,
    CONSTRAINT deletion_window_pkey PRIMARY KEY (kind, actor, minute)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON deletion_window TO account_app;
