-- Activity log: beneficiaries and accompaniments (individual or collective), with the
-- vocabulary of the national activity report. Dates of activities are TEXT 'YYYY-MM-DD'
-- (sortable, and substr() buckets months the same way on both databases).

CREATE TABLE beneficiaries (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    no_phone BIGINT NOT NULL DEFAULT 0,
    email TEXT NOT NULL DEFAULT '',
    birth_year BIGINT,
    commune TEXT NOT NULL DEFAULT '',
    genre TEXT NOT NULL DEFAULT 'non_communique',
    statut TEXT NOT NULL DEFAULT 'non_communique',
    notes TEXT NOT NULL DEFAULT '',
    -- Lowercased, accent-free "last first" for search and duplicate detection.
    search_name TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX beneficiaries_structure ON beneficiaries(structure_id, search_name);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    mediator_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    duration_min BIGINT NOT NULL,
    canal TEXT NOT NULL,
    place_id TEXT REFERENCES places(id) ON DELETE SET NULL,
    commune TEXT NOT NULL DEFAULT '',
    procedure_name TEXT NOT NULL DEFAULT '',
    autonomy TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    oriented BIGINT NOT NULL DEFAULT 0,
    orientation TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    -- Anonymous people: one for an anonymous individual accompaniment, a count for a workshop.
    anon_count BIGINT NOT NULL DEFAULT 0,
    anon_already BIGINT NOT NULL DEFAULT 0,
    anon_commune TEXT NOT NULL DEFAULT '',
    -- What the statistics count: 1 for an individual activity, each participant of a workshop.
    accompaniments BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_structure_date ON activities(structure_id, date);

-- Themes, administrative themes and material of an activity (kind: theme, admin_theme, material).
CREATE TABLE activity_tags (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (activity_id, kind, code)
);
CREATE INDEX activity_tags_code ON activity_tags(kind, code);

CREATE TABLE activity_participants (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, beneficiary_id)
);
CREATE INDEX activity_participants_beneficiary ON activity_participants(beneficiary_id);

-- Anonymous people by genre, age bracket and statut (dimension), with their number.
CREATE TABLE activity_anonymous (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (activity_id, dimension, value)
);
