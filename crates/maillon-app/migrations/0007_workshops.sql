-- Workshops people sign up for: a workshop (what it is) has sessions (when, where, how
-- many seats); a registration holds one or more seats of a session, or a place on its
-- waiting list. `seats_taken` is the sum of confirmed seats, changed only by a guarded
-- UPDATE so that no session is ever overbooked, whatever the concurrency.

-- Reminders of each structure: that many days before (0: none) and on the morning.
ALTER TABLE structures ADD COLUMN reminder_days BIGINT NOT NULL DEFAULT 2;
ALTER TABLE structures ADD COLUMN reminder_morning BIGINT NOT NULL DEFAULT 1;

CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    material TEXT NOT NULL DEFAULT '',
    price_kind TEXT NOT NULL DEFAULT 'gratuit',
    price_cents BIGINT NOT NULL DEFAULT 0,
    price_condition TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX workshops_structure ON workshops(structure_id);

-- Themes (kind 'theme') and publics (kind 'public') of a workshop.
CREATE TABLE workshop_tags (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (workshop_id, kind, code)
);

CREATE TABLE workshop_sessions (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    place_id TEXT REFERENCES places(id) ON DELETE SET NULL,
    capacity BIGINT NOT NULL,
    seats_taken BIGINT NOT NULL DEFAULT 0,
    animator TEXT NOT NULL DEFAULT '',
    -- Set when attendance is closed: the collective activity it created.
    activity_id TEXT REFERENCES activities(id) ON DELETE SET NULL,
    attendance_closed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX workshop_sessions_date ON workshop_sessions(date, start_time);
CREATE INDEX workshop_sessions_workshop ON workshop_sessions(workshop_id, date);

CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    seats BIGINT NOT NULL,
    needs TEXT NOT NULL DEFAULT '',
    -- confirmee, attente (waiting list), annulee
    status TEXT NOT NULL,
    -- Order of the waiting list: when the person asked.
    asked_at BIGINT NOT NULL,
    -- SHA-256 of the personal link's secret; the link itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    -- 'staff' when registered at the desk or by phone, 'public' online.
    source TEXT NOT NULL,
    -- Ticked on the check-in list.
    present BIGINT NOT NULL DEFAULT 0,
    -- 0 once the person asked for no reminders.
    reminders BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX registrations_session ON registrations(session_id, status, asked_at);

-- Reminders sent, one per registration and kind (48h, matin): planning twice sends once.
CREATE TABLE reminders_sent (
    registration_id TEXT NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (registration_id, kind)
);

-- A programme groups sessions ("Semaine du numérique, 18–22 novembre") for a public page,
-- a poster and a calendar feed.
CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE TABLE programme_sessions (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    PRIMARY KEY (programme_id, session_id)
);
