-- Foundation: instance settings, accounts, structures, places, e-mail outbox, jobs.
-- Portable SQL: TEXT ids (UUIDv7), BIGINT Unix seconds, BIGINT 0/1 flags.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_network_admin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE structures (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    pivot TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, structure_id)
);
CREATE INDEX memberships_structure ON memberships(structure_id);

-- Only a hash of the session token is stored: a stolen copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, per account and per address (both stored hashed), for rate limiting.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(scope, key_hash, at);

-- Single-use links sent by e-mail: password resets and invitations.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    structure_id TEXT REFERENCES structures(id) ON DELETE CASCADE,
    role TEXT,
    invited_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_tokens_structure ON account_tokens(structure_id);

CREATE TABLE emails (
    id TEXT PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX emails_created ON emails(created_at);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    idempotency_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs(status, run_at);

-- A place (lieu) carries every field of the national standard v1.0.2.
-- Multi-valued fields are stored as the standard writes them: values joined by '|'.
CREATE TABLE places (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    is_public BIGINT NOT NULL DEFAULT 1,
    source_id TEXT NOT NULL DEFAULT '',
    pivot TEXT NOT NULL,
    nom TEXT NOT NULL,
    commune TEXT NOT NULL,
    code_postal TEXT NOT NULL,
    code_insee TEXT NOT NULL DEFAULT '',
    adresse TEXT NOT NULL,
    complement_adresse TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    typologie TEXT NOT NULL DEFAULT '',
    telephone TEXT NOT NULL DEFAULT '',
    courriels TEXT NOT NULL DEFAULT '',
    site_web TEXT NOT NULL DEFAULT '',
    horaires TEXT NOT NULL DEFAULT '',
    presentation_resume TEXT NOT NULL DEFAULT '',
    presentation_detail TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    itinerance TEXT NOT NULL DEFAULT '',
    structure_parente TEXT NOT NULL DEFAULT '',
    date_maj TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '',
    publics_specifiquement_adresses TEXT NOT NULL DEFAULT '',
    prise_en_charge_specifique TEXT NOT NULL DEFAULT '',
    frais_a_charge TEXT NOT NULL DEFAULT '',
    dispositif_programmes_nationaux TEXT NOT NULL DEFAULT '',
    formations_labels TEXT NOT NULL DEFAULT '',
    autres_formations_labels TEXT NOT NULL DEFAULT '',
    modalites_acces TEXT NOT NULL DEFAULT '',
    modalites_accompagnement TEXT NOT NULL DEFAULT '',
    fiche_acces_libre TEXT NOT NULL DEFAULT '',
    prise_rdv TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX places_structure ON places(structure_id);
CREATE INDEX places_source ON places(source_id);
