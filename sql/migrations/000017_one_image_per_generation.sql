-- 000017_one_image_per_generation: a generation has one result (one url,
-- one file), but numImages let a client order and pay for up to 4 (imagen)
-- or 15 images and receive one. The option stays (numImages 1 is still
-- accepted) with at most 1; more is refused at acceptance with the range,
-- and the price (unit "image", internal.price) is that of the one image.
UPDATE internal.providers p
   SET options = (SELECT jsonb_agg(CASE WHEN x.o->>'name' = 'numImages'
                                        THEN x.o || '{"max": 1, "description": "Number of images: one per generation (its result is one file); make several generations for more."}'::jsonb
                                        ELSE x.o END ORDER BY x.ord)
                    FROM jsonb_array_elements(p.options) WITH ORDINALITY AS x(o, ord))
 WHERE p.options @> '[{"name": "numImages"}]';
