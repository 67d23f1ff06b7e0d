-- Finding people from the dashboard and `GET /api/subscribers` at a million
-- subscribers: the start of an address or of a name, compared byte by byte
-- (COLLATE "C") so that a prefix is a range an index can answer, and the
-- filters by region and language.
CREATE INDEX subscribers_email_prefix ON subscribers ((email_key COLLATE "C"));
CREATE INDEX subscribers_name_prefix ON subscribers ((lower(name) COLLATE "C"));
CREATE INDEX subscribers_region ON subscribers (region);
CREATE INDEX subscribers_language ON subscribers (language);
