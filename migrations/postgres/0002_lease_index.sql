-- Heartbeats and releases find a worker's leased rows without scanning the ledger.
CREATE INDEX deliveries_leased ON deliveries (lease_owner) WHERE state = 'sending';
