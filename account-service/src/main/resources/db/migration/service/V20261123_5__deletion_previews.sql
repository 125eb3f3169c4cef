-- Bulk-deletion previews: the criteria and a digest of exactly the set they matched, so executing the preview's
-- token deletes that set or nothing. Short-lived (account.deletion.preview-ttl) and single-use.
CREATE TABLE deletion_preview
(
    preview_token uuid        NOT NULL,
    criteria      text        NOT NULL,
    set_digest    text        NOT NULL,
    account_count int         NOT NULL,
    created_by    text        NOT NULL,
    expires_at    timestamptz NOT NULL,
    CONSTRAINT deletion_preview_pkey PRIMARY KEY (preview_token)
);
GRANT SELECT, INSERT, DELETE ON deletion_preview TO account_app;
