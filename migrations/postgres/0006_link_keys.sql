-- Every person gets a link key: a random 128-bit value of her own, signed
-- into every link sent to her (src/unsubscribe.rs), so a link acts only on the
-- person it was sent to. willay makes it when it stores a person; existing
-- people get one here, from two gen_random_uuid() (pg_strong_random).
--
-- Ids need no change here: `subscribers.id` is an identity column, whose
-- sequence only moves forward, so an erased person's id is never handed out
-- again (willay never inserts explicit ids). On SQLite it needed a rebuild.

ALTER TABLE subscribers ADD COLUMN link_key BYTEA;
UPDATE subscribers
SET link_key = decode(md5(gen_random_uuid()::text || gen_random_uuid()::text), 'hex');
ALTER TABLE subscribers ALTER COLUMN link_key SET NOT NULL;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_link_key_length
    CHECK (octet_length(link_key) = 16);

-- Links sent before now carry ids only. They keep working for the people
-- stored now, and for nobody stored later (src/store/subscribers.rs).
INSERT INTO settings (key, value)
SELECT 'legacy_links_max_subscriber_id', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM subscribers;
