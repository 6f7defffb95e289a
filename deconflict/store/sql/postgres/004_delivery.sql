-- Delivery: the deadline scheduler's queue, warnings to re-send, subscriptions and webhooks.

-- The deadline of an open, unanswered consultation; NULL once answered or closed.
ALTER TABLE consultations ADD COLUMN awaiting_deadline_us bigint;
CREATE INDEX consultations_awaiting_deadline
    ON consultations (awaiting_deadline_us) WHERE awaiting_deadline_us IS NOT NULL;

-- When an unacknowledged alert was last sent (NULL once acknowledged), and when its
-- warning stops being in force.
ALTER TABLE warning_alerts ADD COLUMN silent_since_us bigint;
ALTER TABLE warning_alerts ADD COLUMN until_us bigint;
CREATE INDEX warning_alerts_silent
    ON warning_alerts (silent_since_us) WHERE silent_since_us IS NOT NULL;

CREATE TABLE subscriptions (
    id text PRIMARY KEY,
    party_id text NOT NULL,
    document text NOT NULL
);
CREATE INDEX subscriptions_of_party ON subscriptions (party_id, id);

-- next_event_id: the first event of the party's record not yet made into a delivery.
CREATE TABLE webhooks (
    id text PRIMARY KEY,
    party_id text NOT NULL,
    next_event_id bigint NOT NULL,
    document text NOT NULL
);
CREATE INDEX webhooks_of_party ON webhooks (party_id, id);

CREATE TABLE webhook_deliveries (
    id text PRIMARY KEY,
    webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id bigint NOT NULL,
    state text NOT NULL,
    next_attempt_us bigint,
    lease_until_us bigint,
    delivered_us bigint,
    document text NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due
    ON webhook_deliveries (next_attempt_us) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_of_webhook
    ON webhook_deliveries (webhook_id, state, id);
