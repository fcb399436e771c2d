-- 0002: what the bbolt store gained in its schema versions 2 and 3 and its
-- fund registry: failed sign-in counts, open reviews kept until a decision,
-- and funds' dated holdings sets. Portfolio owners and access live in the
-- portfolio record. (0001 and 0002 shipped together, so no database holds
-- runs from before open reviews were kept: nothing to backfill.)

CREATE TABLE login_throttle (
    key    text PRIMARY KEY,          -- store.ThrottleName(user) or store.ThrottleAddr(address)
    record json NOT NULL              -- store.Throttle
);

CREATE TABLE open_reviews (
    portfolio text NOT NULL,
    key       text NOT NULL,
    list      text NOT NULL,
    entry_id  text NOT NULL,
    record    json NOT NULL,          -- store.OpenReview {run, finding}
    PRIMARY KEY (portfolio, key, list, entry_id)
);

CREATE TABLE funds (
    id     bigint PRIMARY KEY,
    record json   NOT NULL            -- funds.Fund
);
CREATE SEQUENCE funds_id_seq OWNED BY funds.id;

CREATE TABLE fund_index (
    key     text   PRIMARY KEY,       -- funds.IndexKeys: "ISIN:…", "TICKER:…"
    fund_id bigint NOT NULL REFERENCES funds (id)
);

CREATE TABLE fund_holdings (
    seq      bigint PRIMARY KEY,      -- funds.SetInfo.Seq
    holdings bytea  NOT NULL          -- store.EncodeHoldings
);
CREATE SEQUENCE fund_holdings_seq OWNED BY fund_holdings.seq;
