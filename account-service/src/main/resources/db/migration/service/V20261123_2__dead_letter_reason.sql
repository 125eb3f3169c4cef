-- A command whose record was dead-lettered remembers why, so that a redelivery (after a crash between the commit and
-- the broker's acknowledgement of the dead letter) sends the dead letter again instead of losing it.
ALTER TABLE processed_command ADD COLUMN dead_letter_reason text;
