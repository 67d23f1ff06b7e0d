-- When the person behind a delivery hard-bounced (at send time, or later by a
-- bounce report), so reach can count addresses that turned out dead.
ALTER TABLE deliveries ADD COLUMN bounced_at BIGINT;
