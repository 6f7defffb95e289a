-- The earliest end of a live standing zone's volumes, so that housekeeping finds the zones
-- to renew by an index (deconflict/service/zones.py `renew_standing`); NULL for time-limited
-- and retired zones. Standing zones stored before are marked due at once (0): the first
-- round renews those whose windows end soon and writes the real value for the rest.
ALTER TABLE zones ADD COLUMN standing_until_us bigint;

UPDATE zones SET standing_until_us = 0
WHERE document LIKE '%"validity":"standing"%' AND document LIKE '%"retired_us":null%';

CREATE INDEX zones_standing_until ON zones (standing_until_us)
WHERE standing_until_us IS NOT NULL;
