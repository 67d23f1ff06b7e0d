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
