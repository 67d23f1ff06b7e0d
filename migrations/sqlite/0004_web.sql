-- `willay serve`: API tokens, dashboard sessions, confirmation-mail throttle.

-- Bearer tokens for the admin API and the dashboard log-in. Only a SHA-256 of
-- the token is stored; `selector` is a non-secret prefix used to find the row,
-- so the secret part is compared in constant time in the application.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT   NOT NULL UNIQUE,
    selector     TEXT   NOT NULL UNIQUE,
    token_hash   BLOB   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);

-- Dashboard sessions, server-side so logging out or revoking the token ends
-- them at once. The cookie holds a random id; only its SHA-256 is stored.
CREATE TABLE web_sessions (
    id_hash    BLOB   PRIMARY KEY,
    token_id   BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    csrf       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

-- When a double opt-in confirmation was last mailed to a person, so the public
-- form cannot be used to flood one mailbox.
CREATE TABLE confirmation_mail (
    subscriber_id BIGINT NOT NULL PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    last_sent_at  BIGINT NOT NULL,
    sends         BIGINT NOT NULL DEFAULT 1
);
