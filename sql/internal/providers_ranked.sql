-- internal.providers_ranked(type, priority, model, input, options, now): the
-- providers auto-selection may use for this request, best first, with the
-- price and time each would charge/take. A candidate is enabled, its circuit
-- breaker is closed, it may be auto-selected (auto_select: not the offline
-- local-* providers, which run only when named), it serves the type, and internal.request_problem finds
-- nothing wrong (model, input kinds, every option and value).
-- Ranking (SPEC §10), ties always broken by provider id ascending:
--   QUALITY   quality_score, highest first
--   SPEED     estimated_time, shortest first
--   COST      credit cost of this very request, cheapest first
--   BALANCED  2 * quality_score + speed_score - 100 * cost / (highest cost
--             among the candidates): quality counts double, speed once, and
--             the dearest candidate loses 100 points, the others in proportion.
CREATE OR REPLACE FUNCTION internal.providers_ranked(p_type text, p_priority text, p_model text,
                                                     p_input jsonb, p_options jsonb,
                                                     p_now timestamptz)
RETURNS TABLE (r_provider text, r_model text, r_cost bigint, r_time integer, r_rank integer)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  -- MATERIALIZED: fit.cost is used three times below, and an inlined CTE
  -- would price each candidate three times (price is most of the cost).
  RETURN QUERY
  WITH fit AS MATERIALIZED (
    SELECT p.id, coalesce(p_model, p.default_model) AS model,
           internal.price(p, p_model, p_input, p_options) AS cost,
           p.estimated_time, p.quality_score, p.speed_score
      FROM internal.providers p
     WHERE p.enabled
       AND p.auto_select
       AND (p.breaker_open_until IS NULL OR p.breaker_open_until <= p_now)
       AND p_type = ANY (p.types)
       AND internal.request_problem(p, p_model, p_input, p_options) IS NULL
  ), scored AS (
    SELECT f.*,
           CASE p_priority
             WHEN 'QUALITY' THEN f.quality_score::numeric
             WHEN 'SPEED'   THEN -f.estimated_time::numeric
             WHEN 'COST'    THEN -f.cost::numeric
             ELSE 2 * f.quality_score + f.speed_score
                  - 100.0 * f.cost / nullif(max(f.cost) OVER (), 0)
           END AS score
      FROM fit f
  )
  SELECT s.id, s.model, s.cost, s.estimated_time,
         (row_number() OVER (ORDER BY s.score DESC, s.id))::integer AS rnk
    FROM scored s
   ORDER BY rnk;
END
$$;
