-- The terrain range the AGL volumes' bounds were worked out with (deconflict/store/
-- terrain_record.py): "min,max", "" for none, NULL until a store first records it.
ALTER TABLE index_meta ADD COLUMN terrain_range text;
