-- Each entry appended from now on carries a random salt that its hash covers and that no
-- party reads (domain.audit): without it, a party that read two entries in a row could
-- find the second's global seq from the first's hash by trying numbers. Entries stored
-- before have none ('') and keep their hashes. A constant default: no row is rewritten.
ALTER TABLE audit_entries ADD COLUMN salt text NOT NULL DEFAULT '';
