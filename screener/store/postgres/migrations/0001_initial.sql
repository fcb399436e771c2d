-- 0001: the records of the bbolt store, one table each. Documents are kept
-- as json (not jsonb) so they come back byte for byte and may hold any
-- escaped text; the columns beside them are what the store looks up by.

CREATE TABLE snapshots (
    id      bigint PRIMARY KEY,
    list    text   NOT NULL,
    digest  text   NOT NULL,          -- store.ImportDigest: what a repeat import is recognised by
    record  json   NOT NULL,          -- store.Snapshot
    UNIQUE (list, digest)
);
CREATE INDEX snapshots_list_id ON snapshots (list, id);
CREATE SEQUENCE snapshots_id_seq OWNED BY snapshots.id;

CREATE TABLE snapshot_entries (
    snapshot bigint  NOT NULL REFERENCES snapshots (id),
    idx      integer NOT NULL,        -- position in the list as imported
    entry_id text    NOT NULL,
    entry    json    NOT NULL,        -- screener.Entry
    PRIMARY KEY (snapshot, idx)
);
CREATE INDEX snapshot_entries_entry ON snapshot_entries (snapshot, entry_id);

CREATE TABLE runs (
    id        bigint PRIMARY KEY,
    portfolio text   NOT NULL,
    info      json   NOT NULL,        -- store.RunInfo
    holdings  bytea  NOT NULL,        -- store.EncodeHoldings
    report    bytea  NOT NULL         -- the report bytes, verbatim
);
CREATE SEQUENCE runs_id_seq OWNED BY runs.id;

CREATE TABLE portfolios (
    name       text   PRIMARY KEY,
    latest_run bigint NOT NULL REFERENCES runs (id),
    record     json   NOT NULL        -- store.Portfolio
);

CREATE TABLE decisions (
    key      text NOT NULL,
    list     text NOT NULL,
    entry_id text NOT NULL,
    record   json NOT NULL,           -- screener.ReviewDecision
    PRIMARY KEY (key, list, entry_id)
);

CREATE TABLE users (
    name   text PRIMARY KEY,
    record json NOT NULL              -- store.User
);

CREATE TABLE sessions (
    token_hash text        PRIMARY KEY, -- store.HashSecret(token)
    user_name  text        NOT NULL,
    expires    timestamptz NOT NULL,
    record     json        NOT NULL     -- store.Session
);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE api_keys (
    hash   text PRIMARY KEY,          -- store.HashSecret(key)
    record json NOT NULL              -- store.APIKey
);

-- The audit log: one hash chain. Every write transaction locks the single
-- audit_head row first, so appends from every process are serialised and
-- numbered 1, 2, 3... with no gap.
CREATE TABLE audit (
    seq    bigint PRIMARY KEY,
    record bytea  NOT NULL            -- the canonical JSON of store.AuditRecord, as hashed
);
CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint  NOT NULL,
    hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
