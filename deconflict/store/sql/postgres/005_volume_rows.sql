-- A footprint the stored core gives back bit for bit needs no JSON copy (a polygon whose
-- rings are its core's; a circle whose radius is its margin less its buffer): only the
-- rest keep `footprint_json`; rows get half as wide and loads skip writing coordinates.
ALTER TABLE volumes ALTER COLUMN footprint_json DROP NOT NULL;
