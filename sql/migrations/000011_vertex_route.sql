-- 000011_vertex_route: route `vertex` (Google Vertex AI) next to direct, fal
-- and replicate. Veo has two Google APIs (providers.md §4): the Gemini API
-- keyed by x-goog-api-key (route direct) and Vertex AI with a service
-- account's OAuth2 token (route vertex, src/providers/vertex_auth.c). Both
-- run the same model strings, options and prices, so Vertex is a route of
-- the one catalog row (like an aggregator), not a second provider: the
-- operator switches with `doitong-admin providers route veo vertex`.
-- Only providers whose adapter has a Vertex AI twin may take it (veo, and
-- imagen for the image adapter); no model id column is needed, since the
-- catalog's upstream model strings are Vertex's too.
ALTER TABLE internal.providers DROP CONSTRAINT providers_route_check;
ALTER TABLE internal.providers
  ADD CONSTRAINT providers_route_check CHECK (route IN ('direct', 'fal', 'replicate', 'vertex')),
  ADD CONSTRAINT providers_route_vertex CHECK (route <> 'vertex' OR adapter IN ('veo', 'imagen'));
