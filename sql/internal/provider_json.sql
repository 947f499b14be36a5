-- internal.provider_json(provider, now): the GraphQL Provider object:
-- {id, name, vendor, description, type (the first of types), types, models,
--  features, limitations, pricing {creditCost, estimatedTime},
--  options [{name, type, required, description, allowedValues, default, min, max}],
--  available, defaultModel}. min, max and defaultModel are additions beyond
-- schema.graphql (ignored unless selected). pricing.creditCost is the price of
-- the default model and options for one unit: default duration, one image,
-- or a 100-character text.
CREATE OR REPLACE FUNCTION internal.provider_json(p_provider internal.providers, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN jsonb_build_object(
    'id', p_provider.id,
    'name', p_provider.name,
    'vendor', p_provider.vendor,
    'description', p_provider.description,
    'type', p_provider.types[1],
    'types', to_jsonb(p_provider.types),
    'models', to_jsonb(p_provider.models),
    'defaultModel', p_provider.default_model,
    'features', to_jsonb(p_provider.features),
    'limitations', to_jsonb(p_provider.limitations),
    'pricing', jsonb_build_object(
      'creditCost', internal.price(p_provider, NULL, jsonb_build_object('text', repeat('x', 100)), '{}'::jsonb),
      'estimatedTime', p_provider.estimated_time),
    'options', (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'name', o->>'name',
               'type', o->>'type',
               'required', coalesce((o->>'required')::boolean, false),
               'description', o->>'description',
               'allowedValues', o->'allowedValues',
               'default', o->'default',
               'min', o->'min',
               'max', o->'max') ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(p_provider.options) WITH ORDINALITY AS x(o, n)),
    'available', p_provider.enabled
                 AND (p_provider.breaker_open_until IS NULL OR p_provider.breaker_open_until <= p_now));
END
$$;
