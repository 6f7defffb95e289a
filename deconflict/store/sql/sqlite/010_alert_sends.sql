-- Re-sends are found by when they fall due: an alert sent n times waits the n-th wait of
-- the schedule, so the store keeps how many times each alert was sent, indexed with when
-- it was last sent. (Ordered by the last send alone, alerts waiting out a longer wait
-- filled the batch, and one whose shorter first wait had passed was never looked at.)
ALTER TABLE warning_alerts ADD COLUMN sends INTEGER NOT NULL DEFAULT 1;
UPDATE warning_alerts SET sends = coalesce((
    SELECT json_extract(a.value, '$.sends')
    FROM warnings w, json_each(w.document, '$.alerts') a
    WHERE w.id = warning_alerts.warning_id
      AND json_extract(a.value, '$.party_id') = warning_alerts.party_id
), 1);
CREATE INDEX IF NOT EXISTS warning_alerts_resend
    ON warning_alerts (sends, silent_since_us) WHERE silent_since_us IS NOT NULL;
DROP INDEX IF EXISTS warning_alerts_silent;
