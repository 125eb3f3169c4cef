-- One data key per account, wrapped by the master key. Purge deletes the row: that is the crypto-shredding.
CREATE TABLE account_data_key
(
    key_id      varchar(64) NOT NULL,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_data_key_pkey PRIMARY KEY (key_id)
);
