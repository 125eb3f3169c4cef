-- The application runs as account_app, not as the owner that runs these migrations. It may append to and read the
-- event table, never change or remove what is there: revoked here, and refused by triggers should a grant ever
-- slip back (the triggers hold for the owner too). Roles are per cluster, so they are created idempotently.

DO
$$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'account_app') THEN
        CREATE ROLE account_app LOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO account_app;

REVOKE ALL ON domain_event_entry FROM account_app;
GRANT SELECT, INSERT ON domain_event_entry TO account_app;
GRANT USAGE ON SEQUENCE domain_event_entry_global_index_seq TO account_app;
GRANT EXECUTE ON FUNCTION next_event_global_index() TO account_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON token_entry TO account_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON snapshot_event_entry TO account_app;
-- DELETE is how a purge destroys a key (crypto-shredding); there is no UPDATE: a key is never replaced.
GRANT SELECT, INSERT, DELETE ON account_data_key TO account_app;
GRANT SELECT, INSERT ON processed_command TO account_app;

CREATE FUNCTION refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'domain_event_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER domain_event_entry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON domain_event_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER domain_event_entry_no_truncate
    BEFORE TRUNCATE ON domain_event_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
