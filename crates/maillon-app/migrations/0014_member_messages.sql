-- Messages to members (decision 0016): written once, sent to a segment, each person on
-- their preferred allowed channel; delivery tracked per message and person.

-- E-mails may carry an HTML version and an unsubscribe address (List-Unsubscribe).
ALTER TABLE emails ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';

-- When a structure sends its messages (local hours, start included, end excluded).
ALTER TABLE structures ADD COLUMN send_from_hour BIGINT NOT NULL DEFAULT 9;
ALTER TABLE structures ADD COLUMN send_until_hour BIGINT NOT NULL DEFAULT 19;

CREATE TABLE member_messages (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The short version for SMS ('' : nobody gets it by SMS).
    sms_text TEXT NOT NULL DEFAULT '',
    -- news, reminders or surveys: what the consents are read for.
    purpose TEXT NOT NULL,
    -- The segment chosen ('' : the members of the season), and its filter as it was
    -- when the message was sent (the segment may change afterwards).
    segment_id TEXT,
    segment_name TEXT NOT NULL DEFAULT '',
    filter TEXT NOT NULL DEFAULT '',
    -- draft, scheduled (waiting for send_at), sent (recipients planned)
    status TEXT NOT NULL,
    send_at BIGINT,
    planned_at BIGINT,
    -- Also published as public news on the structure's page and Atom feed.
    publish BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    author_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX member_messages_structure ON member_messages(structure_id, created_at);
CREATE INDEX member_messages_news ON member_messages(published_at);

-- One row per message and person, written once when the message is planned: the channel
-- chosen ('none' when no channel is possible), the address used, and the sent e-mail or
-- SMS whose row keeps the outcome. Letters and calls keep theirs here.
CREATE TABLE message_deliveries (
    message_id TEXT NOT NULL REFERENCES member_messages(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    email_id TEXT,
    sms_id TEXT,
    -- For letters and calls: planned, sent (printed, called), failed (not reached).
    state TEXT NOT NULL,
    -- SHA-256 of the person's unsubscribe link for this message.
    unsubscribe_hash TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, person_id)
);
CREATE INDEX message_deliveries_unsubscribe ON message_deliveries(unsubscribe_hash);
CREATE INDEX message_deliveries_person ON message_deliveries(person_id);
