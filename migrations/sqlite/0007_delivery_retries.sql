-- Staff putting a campaign's failed rows back in the queue (`willay campaigns
-- retry`, the API, the dashboard): when, why, by whom, and how many rows. Each
-- row put back names its retry, so the ledger says why it was sent again.
CREATE TABLE delivery_retries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    reason       TEXT   NOT NULL DEFAULT '',
    requested_by TEXT   NOT NULL,
    rows_retried BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX delivery_retries_campaign ON delivery_retries (campaign_id);
ALTER TABLE deliveries ADD COLUMN retry_id BIGINT;
