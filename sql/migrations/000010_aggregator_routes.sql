-- 000010_aggregator_routes: the aggregators' model ids per provider, for the
-- `route` column (000003): a provider routed through fal or Replicate runs
-- that model there (src/providers/routes.c), keyed by the scheduler's
-- DOITONG_FAL_KEY / DOITONG_REPLICATE_KEY. NULL: the provider can't take
-- that route (a routed job without the id fails with FAULT_UPSTREAM).
-- Ids from reference/providers.md §17 (fal, [C] catalog) and §18
-- (Replicate; minimax/hailuo-02 [C], the others [U]). Text-to-video ids: with
-- an image the adapter runs the image-to-video sibling. Vidu's fal
-- text-to-video id and Wan's Replicate one are not named there: left NULL.
ALTER TABLE internal.providers
  ADD COLUMN fal_model text CHECK (fal_model IS NULL OR fal_model ~ '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$'),
  ADD COLUMN replicate_model text
    CHECK (replicate_model IS NULL OR replicate_model ~ '^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+(:[0-9a-f]+)?$'),
  ADD CONSTRAINT providers_route_model CHECK (
    (route <> 'fal' OR fal_model IS NOT NULL) AND (route <> 'replicate' OR replicate_model IS NOT NULL));

UPDATE internal.providers p SET fal_model = v.fal, replicate_model = v.replicate
  FROM (VALUES
    ('kling',    'fal-ai/kling-video/v1.6/standard/text-to-video', 'kwaivgi/kling-v1.6-pro'),
    ('minimax',  'fal-ai/minimax/hailuo-02/standard/text-to-video', 'minimax/hailuo-02'),
    ('veo',      'fal-ai/veo3',                                    'google/veo-3'),
    ('luma',     'fal-ai/luma-dream-machine/ray-2',                'luma/ray'),
    ('seedance', 'fal-ai/bytedance/seedance/v1/pro/text-to-video', 'bytedance/seedance-1-pro'),
    ('wan',      'fal-ai/wan/v2.2-a14b/text-to-video',             NULL)
  ) AS v(id, fal, replicate)
 WHERE p.id = v.id;
