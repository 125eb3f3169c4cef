-- A service started without the owner's credentials compares the applied migrations with the ones it carries before
-- it starts (SchemaGate), as account_app: it may read the history, and change nothing in it.
GRANT SELECT ON ${flyway:table} TO account_app;
