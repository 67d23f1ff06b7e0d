-- Ids are never handed out twice, and every person gets a link key.
--
-- `INTEGER PRIMARY KEY` without AUTOINCREMENT gives a new row the highest id
-- plus one, so erasing the newest person gave her id to the next sign-up, and
-- her old confirmation and unsubscribe links acted on that stranger. SQLite
-- cannot add AUTOINCREMENT to a column: the table is rebuilt. Migrations run
-- in a transaction with foreign keys enforced, where they cannot be switched
-- off, and dropping `subscribers` would then cascade-delete every membership
-- and confirmation-mail record. So the tables referencing it are rebuilt too,
-- pointing at the new table, and the old ones are dropped children first:
-- nothing references the old table when it goes. Renaming the new table then
-- rewrites the references to it (SQLite >= 3.26) and its sqlite_sequence row.
--
-- `link_key` is a random 128-bit value of the person's own, signed into
-- every link sent to them (src/unsubscribe.rs). willay makes it when it stores
-- a person; existing people get one here.

CREATE TABLE subscribers_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL,
    -- Lower-cased address: uniqueness is case-insensitive.
    email_key       TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL DEFAULT '',
    language        TEXT    NOT NULL DEFAULT '',
    region          TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL
        CHECK (status IN ('unconfirmed', 'confirmed', 'unsubscribed', 'bounced')),
    consent_at      BIGINT,
    consent_source  TEXT    NOT NULL DEFAULT '',
    hard_bounces    BIGINT  NOT NULL DEFAULT 0,
    unsubscribed_at BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    link_key        BLOB    NOT NULL CHECK (length(link_key) = 16)
);
INSERT INTO subscribers_new (id, email, email_key, name, language, region, status,
    consent_at, consent_source, hard_bounces, unsubscribed_at, created_at, updated_at, link_key)
SELECT id, email, email_key, name, language, region, status,
    consent_at, consent_source, hard_bounces, unsubscribed_at, created_at, updated_at, randomblob(16)
FROM subscribers;

CREATE TABLE memberships_new (
    list_id       BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers_new (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (list_id, subscriber_id)
);
INSERT INTO memberships_new (list_id, subscriber_id, created_at)
SELECT list_id, subscriber_id, created_at FROM memberships;

CREATE TABLE confirmation_mail_new (
    subscriber_id BIGINT NOT NULL PRIMARY KEY REFERENCES subscribers_new (id) ON DELETE CASCADE,
    last_sent_at  BIGINT NOT NULL,
    sends         BIGINT NOT NULL DEFAULT 1
);
INSERT INTO confirmation_mail_new (subscriber_id, last_sent_at, sends)
SELECT subscriber_id, last_sent_at, sends FROM confirmation_mail;

DROP TABLE memberships;
DROP TABLE confirmation_mail;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
ALTER TABLE memberships_new RENAME TO memberships;
ALTER TABLE confirmation_mail_new RENAME TO confirmation_mail;
CREATE INDEX subscribers_status ON subscribers (status);
CREATE INDEX memberships_subscriber ON memberships (subscriber_id);

-- New ids start above every id ever handed out that is still remembered: the
-- ledger keeps erased people's ids (anonymous counts), and a bounce or
-- complaint naming one must never reach a newcomer.
DELETE FROM sqlite_sequence WHERE name = 'subscribers';
INSERT INTO sqlite_sequence (name, seq) SELECT 'subscribers', MAX(seq) FROM (
    SELECT COALESCE(MAX(id), 0) AS seq FROM subscribers
    UNION ALL SELECT COALESCE(MAX(subscriber_id), 0) FROM deliveries
    UNION ALL SELECT COALESCE(MAX(subscriber_id), 0) FROM delivery_lists
);

-- Links sent before now carry ids only. They keep working for the people
-- stored now, and for nobody stored later (src/store/subscribers.rs).
INSERT INTO settings (key, value)
SELECT 'legacy_links_max_subscriber_id', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM subscribers;
