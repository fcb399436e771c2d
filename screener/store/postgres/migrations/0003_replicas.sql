-- 0003: the server processes sharing the database, by heartbeat, so each
-- takes its share of the API rate limit.
CREATE TABLE replicas (
    id   text        PRIMARY KEY,
    seen timestamptz NOT NULL
);
