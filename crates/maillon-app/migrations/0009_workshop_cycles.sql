-- Cycles: a workshop where people register once for all its sessions ("six Tuesdays to
-- learn the tablet"). Such a registration is one row per session, so that seats, waiting
-- lists, reminders and check-in lists work per session as for any registration; the
-- rows of one person share `cycle_id`, the id of the first row, which alone holds the
-- hash of the personal link (the others hold the hash of a secret nobody was given).
ALTER TABLE workshops ADD COLUMN cycle BIGINT NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN cycle_id TEXT;
CREATE INDEX registrations_cycle ON registrations(cycle_id);
