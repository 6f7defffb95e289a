-- Dead deliveries are purged a while after their last attempt, as delivered ones are after
-- delivery: an endpoint gone for months would otherwise leave a row for every event.
ALTER TABLE webhook_deliveries ADD COLUMN dead_us INTEGER;
UPDATE webhook_deliveries SET dead_us = json_extract(document, '$.last_attempt_us')
WHERE state = 'dead';
