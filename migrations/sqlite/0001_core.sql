-- The core schema: subscribers, lists, campaigns and the delivery ledger.
-- Timestamps are UTC milliseconds since the Unix epoch (BIGINT), identical on
-- both backends so the same queries serve SQLite and PostgreSQL.

CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY,
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
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX subscribers_status ON subscribers (status);

CREATE TABLE lists (
    id         INTEGER PRIMARY KEY,
    name       TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    list_id       BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (list_id, subscriber_id)
);
CREATE INDEX memberships_subscriber ON memberships (subscriber_id);

CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    name         TEXT   NOT NULL,
    -- The id of a message in the Fluent catalogue.
    message_id   TEXT   NOT NULL,
    status       TEXT   NOT NULL
        CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled')),
    scheduled_at BIGINT,
    started_at   BIGINT,
    finished_at  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX campaigns_status ON campaigns (status, scheduled_at);

CREATE TABLE campaign_lists (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    list_id     BIGINT NOT NULL REFERENCES lists (id),
    PRIMARY KEY (campaign_id, list_id)
);

-- The delivery ledger: one row per (campaign, subscriber), the single truth for
-- "never send twice" and for reach. subscriber_id has no foreign key on
-- purpose: erasing a person keeps their rows as anonymous counts.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subscriber_id   BIGINT NOT NULL,
    state           TEXT   NOT NULL
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    -- Snapshot at expansion, so reach by region survives later edits.
    region          TEXT   NOT NULL DEFAULT '',
    -- The catalogue locale the message was actually rendered in.
    locale          TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    unsubscribed_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (campaign_id, subscriber_id)
);
CREATE INDEX deliveries_claim ON deliveries (campaign_id, state, next_attempt_at);
CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id);

-- Installation-wide values generated on first run (e.g. the token-signing key).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
