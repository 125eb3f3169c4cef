-- The analyst role logs in only with a password from configuration (account.db.analyst-password, environment
-- ACCOUNT_ANALYST_PASSWORD; a Secret in production). Empty: the role stays unable to log in.
DO
$$
BEGIN
    IF '${analyst_password}' <> '' THEN
        EXECUTE format('ALTER ROLE analyst LOGIN PASSWORD %L', '${analyst_password}');
    ELSE
        ALTER ROLE analyst NOLOGIN;
    END IF;
END
$$;
