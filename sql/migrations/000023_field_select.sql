-- 000023_field_select: a call of api.execute may name the fields the client
-- selected (its "select"), so generation(id) looks up attempts only when
-- they were asked for; generation_json, field_generation and field_run take
-- one more (defaulted) argument. Their old signatures would stay beside the
-- new ones as ambiguous overloads: dropped here, and the function files
-- create the new ones right after.
DROP FUNCTION IF EXISTS internal.generation_json(internal.generations);
DROP FUNCTION IF EXISTS internal.field_generation(internal.principal, text);
DROP FUNCTION IF EXISTS internal.field_run(internal.principal, text, jsonb, timestamptz);
