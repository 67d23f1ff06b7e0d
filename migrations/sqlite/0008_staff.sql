-- Staff members and roles (src/access): who works in willay, and what each
-- one may see and do.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT   NOT NULL UNIQUE,
    role          TEXT   NOT NULL CHECK (role IN ('admin', 'manager', 'translator', 'analyst')),
    -- argon2id, as a PHC string; NULL until the person sets one with their link.
    password_hash TEXT,
    -- The dashboard language they chose; NULL follows their browser.
    locale        TEXT,
    created_at    BIGINT NOT NULL
);

-- One-time links to set a password (`willay staff add`, `staff password-link`).
-- Only the SHA-256 of the link's secret is stored.
CREATE TABLE staff_password_links (
    token_hash BLOB  PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);

-- A token carries a role and may belong to a staff member. Tokens made before
-- roles existed could do everything: they stay admin tokens.
ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'
    CHECK (role IN ('admin', 'manager', 'translator', 'analyst'));
ALTER TABLE api_tokens ADD COLUMN staff_id BIGINT REFERENCES staff (id) ON DELETE CASCADE;

-- A dashboard session is opened with a password (a staff member) or with a
-- token. The old table cannot take a nullable token in SQLite without a
-- rebuild; sessions are short-lived, so whoever was logged in logs in again.
DROP TABLE web_sessions;
CREATE TABLE web_sessions (
    id_hash    BLOB  PRIMARY KEY,
    token_id   BIGINT REFERENCES api_tokens (id) ON DELETE CASCADE,
    staff_id   BIGINT REFERENCES staff (id) ON DELETE CASCADE,
    csrf       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK ((token_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
