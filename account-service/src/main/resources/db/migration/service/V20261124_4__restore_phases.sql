-- The phases of a restore that must happen once: processors set at the head (a second reset would skip events
-- written after the first), and the projections rebuilt (a restore killed during that phase goes on with it).
ALTER TABLE restore_state ADD COLUMN processors_reset_at timestamptz;
ALTER TABLE restore_state ADD COLUMN projections_rebuilt_at timestamptz;
