-- A polygon whose rings are exactly its stored core needs no JSON copy of them: the core's
-- WKB gives the rings back bit for bit. Only circles and polygons cut at the antimeridian
-- keep `footprint_json`; rows get half as wide and loads skip writing coordinates as text.
ALTER TABLE volumes ALTER COLUMN footprint_json DROP NOT NULL;
