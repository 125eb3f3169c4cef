-- Analysts share the database with the service: a runaway query or a client that opens sessions in a loop must not
-- take the connections or the CPU the service needs. From configuration: account.db.analyst-connection-limit
-- (default 10; per role, so across the cluster: PostgreSQL has no limit per role and database) and
-- account.db.analyst-statement-timeout (default 60s, PostgreSQL's units; for this database only). Repeatable:
-- changing either value applies it at the next start. The integer cast refuses anything but a number.
DO
$$
BEGIN
    EXECUTE format('ALTER ROLE analyst CONNECTION LIMIT %s', '${analyst_connection_limit}'::integer);
    EXECUTE format('ALTER ROLE analyst IN DATABASE %I SET statement_timeout = %L', current_database(),
                   '${analyst_statement_timeout}');
END
$$;
