-- Members and communication (decision 0015). A person is one row of `beneficiaries`,
-- whatever brings them (membership, accompaniment, workshop): the member file adds a
-- household, contact details, interests, memberships per season and the consent ledger.

CREATE TABLE households (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX households_structure ON households(structure_id, name);

ALTER TABLE beneficiaries ADD COLUMN household_id TEXT REFERENCES households(id) ON DELETE SET NULL;
ALTER TABLE beneficiaries ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiaries ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiaries ADD COLUMN quartier TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiaries ADD COLUMN phone2 TEXT NOT NULL DEFAULT '';
-- Space-separated codes (members::vocab).
ALTER TABLE beneficiaries ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiaries ADD COLUMN interests TEXT NOT NULL DEFAULT '';
-- email, sms, post, phone or '' (no preference).
ALTER TABLE beneficiaries ADD COLUMN contact_pref TEXT NOT NULL DEFAULT '';
-- The desk's notes: the activity log's `notes` are the mediators' and stay theirs.
ALTER TABLE beneficiaries ADD COLUMN desk_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE beneficiaries ADD COLUMN archived_at BIGINT;
-- SHA-256 of the person's self-service link; the link itself is never stored.
ALTER TABLE beneficiaries ADD COLUMN self_token_hash TEXT;
CREATE INDEX beneficiaries_household ON beneficiaries(household_id);
CREATE INDEX beneficiaries_self_token ON beneficiaries(self_token_hash);

-- A membership for a season ("2026-2027"); a family membership covers the household.
CREATE TABLE adhesions (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    season TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    fee_cents BIGINT NOT NULL,
    payment_mode TEXT NOT NULL,
    family BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (person_id, season)
);
CREATE INDEX adhesions_season ON adhesions(structure_id, season);

-- The ledger: every consent given, refused or withdrawn, never rewritten.
CREATE TABLE consent_events (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    purpose TEXT NOT NULL,
    -- given or refused
    state TEXT NOT NULL,
    -- form (online), desk, paper, link (self-service), import
    source TEXT NOT NULL,
    -- For online forms: the version of the text the person accepted.
    text_version TEXT NOT NULL DEFAULT '',
    user_name TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX consent_events_person ON consent_events(person_id, at);

-- The current state, kept with the ledger in the same transaction (what sending reads).
CREATE TABLE consents (
    person_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (person_id, channel, purpose)
);

-- Saved filters of the member file; the filter is its query string (members::filter).
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    filter TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX segments_structure ON segments(structure_id, name);
