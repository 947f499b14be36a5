-- internal.problem(message, field, allowedValues, extra): an INVALID_INPUT
-- description as jsonb {message, field, allowedValues, ...extra}, null keys
-- dropped. Validation functions return these instead of raising, so that
-- auto-selection can test many providers without exception blocks;
-- internal.raise_invalid turns one into a QA400 error.
CREATE OR REPLACE FUNCTION internal.problem(p_message text, p_field text,
                                            p_allowed jsonb DEFAULT NULL,
                                            p_extra jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN jsonb_strip_nulls(jsonb_build_object('message', p_message,
                                              'field', p_field,
                                              'allowedValues', p_allowed))
         || coalesce(p_extra, '{}'::jsonb);
END
$$;
