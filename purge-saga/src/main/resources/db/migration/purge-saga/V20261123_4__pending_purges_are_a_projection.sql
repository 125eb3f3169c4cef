-- The interim pending-purge list is replaced by the projections module's account summary (projection.pending_purge).
DROP TABLE pending_purge;
