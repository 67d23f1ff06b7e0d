-- The audit log (src/store/audit.rs): who did what and when. It holds ids and
-- enum words, never an address, a person's name, a list name or a secret.
-- No foreign keys: removing a staff member, a token or a subscriber keeps
-- the history of what they did and what was done to them.

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             BIGINT NOT NULL,
    -- cli, visitor (not logged in), staff (password) or token.
    actor_kind     TEXT   NOT NULL CHECK (actor_kind IN ('cli', 'visitor', 'staff', 'token')),
    actor_staff_id BIGINT,
    actor_token_id BIGINT,
    -- An AuditAction word; new actions need no migration.
    action         TEXT   NOT NULL,
    subject_kind   TEXT   CHECK (subject_kind IN ('subscriber', 'list', 'campaign', 'staff', 'token')),
    subject_id     BIGINT,
    -- key=value pairs of numbers and enum words.
    detail         TEXT,
    CHECK ((subject_kind IS NULL) = (subject_id IS NULL))
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_actor ON audit_events (actor_staff_id, id);
CREATE INDEX audit_events_subject ON audit_events (subject_kind, subject_id, id);

-- Append-only, whoever holds the database: history is not rewritten.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- Token ids are never handed out twice, so `token #5` in the log is one
-- token for ever. `INTEGER PRIMARY KEY` without AUTOINCREMENT gave a new
-- token the id of the newest revoked one. As in 0006, the table is rebuilt
-- with its child (sessions, which stay open) pointing at the new table, the
-- old ones dropped children first, and the renames rewrite the references.
CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT   NOT NULL UNIQUE,
    selector     TEXT   NOT NULL UNIQUE,
    token_hash   BLOB   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    role         TEXT   NOT NULL DEFAULT 'admin'
        CHECK (role IN ('admin', 'manager', 'translator', 'analyst')),
    staff_id     BIGINT REFERENCES staff (id) ON DELETE CASCADE
);
INSERT INTO api_tokens_new (id, name, selector, token_hash, created_at, last_used_at, role, staff_id)
SELECT id, name, selector, token_hash, created_at, last_used_at, role, staff_id FROM api_tokens;

CREATE TABLE web_sessions_new (
    id_hash    BLOB  PRIMARY KEY,
    token_id   BIGINT REFERENCES api_tokens_new (id) ON DELETE CASCADE,
    staff_id   BIGINT REFERENCES staff (id) ON DELETE CASCADE,
    csrf       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK ((token_id IS NULL) <> (staff_id IS NULL))
);
INSERT INTO web_sessions_new (id_hash, token_id, staff_id, csrf, created_at, expires_at)
SELECT id_hash, token_id, staff_id, csrf, created_at, expires_at FROM web_sessions;

DROP TABLE web_sessions;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
ALTER TABLE web_sessions_new RENAME TO web_sessions;
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
