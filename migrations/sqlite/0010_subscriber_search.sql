-- Finding people from the dashboard and `GET /api/subscribers` at a million
-- subscribers: the start of an address (the unique `email_key` index already
-- serves it) or of a name, and the filters by region and language.
CREATE INDEX subscribers_name_prefix ON subscribers (lower(name));
CREATE INDEX subscribers_region ON subscribers (region);
CREATE INDEX subscribers_language ON subscribers (language);
