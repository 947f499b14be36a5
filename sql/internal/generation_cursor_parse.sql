-- internal.generation_cursor_parse(cursor) -> (created_at, id): the keyset
-- position a cursor of internal.generation_cursor names. Anything that is not
-- such a cursor (bad alphabet or length, bad base64, not UTF-8, wrong inside,
-- a time out of range) is the client's mistake: QA400 with field "after".
-- The cursor is not signed: a forged one only moves the caller's position
-- within its own account's rows, which the query filters anyway.
CREATE OR REPLACE FUNCTION internal.generation_cursor_parse(p_cursor text,
                                                            OUT out_created_at timestamptz, OUT out_id text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_text  text;
  v_parts text[];
BEGIN
  IF p_cursor ~ '^[A-Za-z0-9_-]{1,200}$' THEN
    -- decode, convert_from and the interval input raise on garbage; a
    -- garbage cursor must become INVALID_INPUT, never INTERNAL_ERROR.
    BEGIN
      v_text := convert_from(decode(rpad(translate(p_cursor, '-_', '+/'),
                                         (length(p_cursor) + 3) / 4 * 4, '='), 'base64'), 'UTF8');
      v_parts := regexp_match(v_text, '^(-?[0-9]{1,18}):(gen_[0-9a-f]{24})$');
      IF v_parts IS NOT NULL THEN
        -- Interval input from integer microseconds is exact (a float
        -- division through to_timestamp() could round).
        out_created_at := 'epoch'::timestamptz + (v_parts[1] || ' microseconds')::interval;
        out_id := v_parts[2];
      END IF;
    EXCEPTION WHEN data_exception OR invalid_parameter_value OR character_not_in_repertoire THEN
      out_id := NULL;
    END;
  END IF;
  IF out_id IS NULL THEN
    PERFORM internal.raise_invalid(internal.problem(
      'after is not a cursor of this connection; use a pageInfo.endCursor or edges.cursor value.', 'after'));
  END IF;
END
$$;
