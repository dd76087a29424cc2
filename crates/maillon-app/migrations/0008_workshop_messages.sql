-- Workshops, second part: SMS, freed seats to confirm, sessions the centre cancels.

-- Each structure chooses whether it sends SMS (they cost money), and whether a seat
-- freed for the waiting list must be confirmed within that many hours (0: given at once).
ALTER TABLE structures ADD COLUMN sms_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE structures ADD COLUMN offer_hours BIGINT NOT NULL DEFAULT 0;

-- Every SMS written, queued in the same transaction as what caused it, then sent by a
-- job; the row keeps the outcome: queued, sent, outbox (no provider), failed.
CREATE TABLE sms_messages (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    to_phone TEXT NOT NULL,
    body TEXT NOT NULL,
    parts BIGINT NOT NULL,
    -- inscription, rappel, place, annulation
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    provider_ref TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX sms_messages_structure ON sms_messages(structure_id, created_at);

-- A seat offered to someone of the waiting list (status 'proposee') is held until then.
ALTER TABLE registrations ADD COLUMN offer_expires_at BIGINT;
CREATE INDEX registrations_offers ON registrations(status, offer_expires_at);

-- A session the centre cancelled stays, so that personal links can say so.
ALTER TABLE workshop_sessions ADD COLUMN cancelled_at BIGINT;
ALTER TABLE workshop_sessions ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
