-- Re-sends are found by when they fall due: an alert sent n times waits the n-th wait of
-- the schedule, so the store keeps how many times each alert was sent, indexed with when
-- it was last sent. (Ordered by the last send alone, alerts waiting out a longer wait
-- filled the batch, and one whose shorter first wait had passed was never looked at.)
ALTER TABLE warning_alerts ADD COLUMN sends integer NOT NULL DEFAULT 1;
UPDATE warning_alerts wa SET sends = (a.alert ->> 'sends')::integer
FROM warnings w, jsonb_array_elements(w.document::jsonb -> 'alerts') AS a (alert)
WHERE w.id = wa.warning_id AND a.alert ->> 'party_id' = wa.party_id;
CREATE INDEX warning_alerts_resend
    ON warning_alerts (sends, silent_since_us) WHERE silent_since_us IS NOT NULL;
DROP INDEX warning_alerts_silent;
