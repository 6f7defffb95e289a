-- Delivery: the deadline scheduler's queue, warnings to re-send, subscriptions and webhooks.

-- The deadline of an open, unanswered consultation; NULL once answered or closed.
ALTER TABLE consultations ADD COLUMN awaiting_deadline_us INTEGER;
CREATE INDEX IF NOT EXISTS consultations_awaiting_deadline
    ON consultations (awaiting_deadline_us) WHERE awaiting_deadline_us IS NOT NULL;

-- When an unacknowledged alert was last sent (NULL once acknowledged), and when its
-- warning stops being in force.
ALTER TABLE warning_alerts ADD COLUMN silent_since_us INTEGER;
ALTER TABLE warning_alerts ADD COLUMN until_us INTEGER;
CREATE INDEX IF NOT EXISTS warning_alerts_silent
    ON warning_alerts (silent_since_us) WHERE silent_since_us IS NOT NULL;

CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_of_party ON subscriptions (party_id, id);

-- next_event_id: the first event of the party's record not yet made into a delivery.
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    next_event_id INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_of_party ON webhooks (party_id, id);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    next_attempt_us INTEGER,
    lease_until_us INTEGER,
    delivered_us INTEGER,
    document TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due
    ON webhook_deliveries (next_attempt_us) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_of_webhook
    ON webhook_deliveries (webhook_id, state, id);
