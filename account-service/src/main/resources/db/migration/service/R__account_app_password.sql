-- The application role's password comes from configuration (account.db.app-password, from a Secret in production);
-- empty means password-less, for a cluster that authenticates otherwise (the embedded default on loopback).
DO
$$
BEGIN
    IF '${app_password}' <> '' THEN
        EXECUTE format('ALTER ROLE account_app PASSWORD %L', '${app_password}');
    END IF;
END
$$;
