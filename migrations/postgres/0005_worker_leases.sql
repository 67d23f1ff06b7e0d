-- Leases belong to a worker, not to each ledger row. A heartbeat renews one
-- row however many deliveries the worker holds, and never contends with the
-- write-back of outcomes (renewing every leased row did, and deadlocked on
-- PostgreSQL under load). A `sending` row whose owner has no live lease here is
-- taken over by another worker. `owner` is `host:pid:random:epoch`: a worker
-- that loses its lease (its database was unreachable for a whole lease) starts
-- a new epoch rather than reviving rows that may have been taken over.
CREATE TABLE worker_leases (
    owner       TEXT   PRIMARY KEY,
    lease_until BIGINT NOT NULL,
    started_at  BIGINT NOT NULL
);
-- Rows claimed before this migration keep the lease they were claimed with;
-- they are taken over when it runs out.
INSERT INTO worker_leases (owner, lease_until, started_at)
SELECT lease_owner, MAX(COALESCE(lease_until, 0)), 0
FROM deliveries WHERE state = 'sending' AND lease_owner IS NOT NULL
GROUP BY lease_owner;

-- Through which target lists each ledger row's person was reached, recorded
-- when a campaign with several lists is expanded: reach by list must not
-- change when people later leave a list or are erased. (With one target
-- list, every row was reached through it.)
CREATE TABLE delivery_lists (
    campaign_id   BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL,
    list_id       BIGINT NOT NULL REFERENCES lists (id),
    PRIMARY KEY (campaign_id, subscriber_id, list_id)
);
INSERT INTO delivery_lists (campaign_id, subscriber_id, list_id)
SELECT d.campaign_id, d.subscriber_id, m.list_id
FROM deliveries d
JOIN campaign_lists cl ON cl.campaign_id = d.campaign_id
JOIN memberships m ON m.list_id = cl.list_id AND m.subscriber_id = d.subscriber_id
WHERE (SELECT COUNT(*) FROM campaign_lists o WHERE o.campaign_id = d.campaign_id) > 1;

-- Writing outcomes back finds rows by id. PostgreSQL preferred this index
-- (lease_owner = $1 AND state = 'sending') for it, and it keeps an entry for
-- every row that was ever `sending` under that owner until vacuum: the write-
-- back slowed with every row sent. Lookups by owner now happen only at
-- shutdown and after a worker died.
DROP INDEX deliveries_leased;
