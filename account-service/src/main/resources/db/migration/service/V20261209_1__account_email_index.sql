-- Finding an account by its email (POST /admin/accounts/search) without keeping the email in plaintext anywhere:
-- a keyed HMAC of the normalised email (trimmed, lower-cased) per live account. The key is a PRF keyset of its own,
-- kept here wrapped by the master key like a data key, so whoever holds only the database can neither open it nor
-- test a guessed email against the index. The events carry the email sealed, never this MAC.
--
-- Both tables stay out of the projection schema, as the dead letters do: the analyst role reads every table there,
-- and an index that ties accounts sharing an email, and confirms a guess to whoever gets the key, is not for
-- analysts. Nor is the index part of `verify`'s report (it lists the projection schema): after a restore it is
-- rebuilt under a new key, so its MACs differ while the accounts it finds do not.

-- One row: created by whichever instance needs the key first (insert, on conflict nothing), never replaced by the
-- service; a master-key rotation wraps it again as the owner, as it does the data keys.
CREATE TABLE email_index_key
(
    id          smallint    NOT NULL DEFAULT 1,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT email_index_key_pkey PRIMARY KEY (id),
    CONSTRAINT email_index_key_single CHECK (id = 1)
);
GRANT SELECT, INSERT ON email_index_key TO account_app;

-- Maintained by the account-summary projection's processor (search.EmailIndexer): a row per account whose
-- email can be read, dropped at its purge; version is the sequence number of the event that set the MAC. A replay
-- of account-summary truncates it and builds it again.
CREATE TABLE account_email_index
(
    account_id uuid   NOT NULL,
    email_mac  bytea  NOT NULL,
    version    bigint NOT NULL,
    CONSTRAINT account_email_index_pkey PRIMARY KEY (account_id)
);
CREATE INDEX account_email_index_mac ON account_email_index (email_mac);
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON account_email_index TO account_app;
