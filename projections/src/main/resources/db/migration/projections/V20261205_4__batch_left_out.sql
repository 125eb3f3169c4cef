-- A batch's account that no longer matched the preview's criteria, or had become protected, when its turn came:
-- status LEFT_OUT, and why.
ALTER TABLE projection.deletion_batch_account ADD COLUMN left_out_reason text;
