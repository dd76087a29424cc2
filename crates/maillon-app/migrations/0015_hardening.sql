-- Hardening for a public deployment (issue 16, decision 0017).

-- Rate limits: one row per limited key (a hash: no address, phone or e-mail is stored),
-- whose lock serialises the counting of that key across requests and servers, and one
-- row per counted attempt. Replaces the sign-in failures table.
CREATE TABLE limit_keys (
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    touched_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
CREATE TABLE limit_hits (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX limit_hits_key ON limit_hits(scope, key_hash, at);
DROP TABLE login_failures;

-- A structure's SMS per day, at most (they cost money), and how many it asked for each
-- day (UTC): one counter row per structure and day, taken by an upsert, so that parallel
-- requests cannot both pass the last unit.
ALTER TABLE structures ADD COLUMN sms_daily_budget BIGINT NOT NULL DEFAULT 200;
CREATE TABLE sms_daily_counts (
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    asked BIGINT NOT NULL,
    PRIMARY KEY (structure_id, day)
);

-- E-mails about a structure's members and registrants (workshops, messages) carry the
-- structure: only its admins read their address and text in the outbox.
ALTER TABLE emails ADD COLUMN structure_id TEXT;
CREATE INDEX emails_structure ON emails(structure_id, created_at);

-- An invitation asked by the network coordination into a structure that has a team waits
-- for one of the structure's admins to send it (the coordination never joins a team by
-- itself).
CREATE TABLE invitation_requests (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX invitation_requests_structure ON invitation_requests(structure_id);

-- Public statistics links, kept as the hash of their secret like every other link; `hint`
-- (the secret's last characters) tells them apart on the page. Filled from stat_shares by
-- the migration's code, which then drops it.
CREATE TABLE stat_links (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX stat_links_structure ON stat_links(structure_id);
