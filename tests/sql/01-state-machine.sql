-- 01-state-machine: the generation state machine of SPEC §8, enforced by the
-- trigger internal.generations_guard.
-- Covers: all 5x5 status pairs (5 legal moves and 5 no-op "changes" succeed,
-- the 15 others raise QA409); terminal rows never change status or outcome;
-- progress never decreases; COMPLETED forces progress 100 and stamps
-- completed_at; rows are born PENDING; price and owner are immutable.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(36);

SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset

-- One fresh generation per (from, to) pair, each already in state `from`.
CREATE TEMP TABLE pairs AS
SELECT f.s AS from_s, t.s AS to_s, f.n * 10 + t.n AS ord,
       tests.generation_in_state(:'acc', f.s) AS id,
       (f.s = t.s
        OR (f.s = 'PENDING' AND t.s IN ('PROCESSING', 'CANCELLED'))
        OR (f.s = 'PROCESSING' AND t.s IN ('COMPLETED', 'FAILED', 'CANCELLED'))) AS legal
  FROM unnest(ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) WITH ORDINALITY AS f(s, n)
 CROSS JOIN unnest(ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) WITH ORDINALITY AS t(s, n);

SELECT is((SELECT count(*) FROM pairs p JOIN internal.generations g ON g.id = p.id AND g.status = p.from_s),
          25::bigint, 'setup: 25 generations, each in its starting state');

SELECT CASE WHEN legal
            THEN lives_ok(format('UPDATE internal.generations SET status = %L WHERE id = %L', to_s, id),
                          format('%s -> %s is allowed', from_s, to_s))
            ELSE throws_ok(format('UPDATE internal.generations SET status = %L WHERE id = %L', to_s, id),
                           'QA409', NULL, format('%s -> %s is refused with QA409', from_s, to_s))
       END
  FROM pairs ORDER BY ord;

-- Terminal rows keep their outcome.
SELECT id AS done FROM pairs WHERE from_s = 'COMPLETED' AND to_s = 'COMPLETED' \gset
SELECT id AS failed FROM pairs WHERE from_s = 'FAILED' AND to_s = 'FAILED' \gset
SELECT id AS cancelled FROM pairs WHERE from_s = 'CANCELLED' AND to_s = 'CANCELLED' \gset
SELECT throws_ok(format('UPDATE internal.generations SET url = %L WHERE id = %L', 'https://x.example/y', :'done'),
                 'QA409', NULL, 'a COMPLETED row keeps its url');
SELECT throws_ok(format('UPDATE internal.generations SET error_message = %L WHERE id = %L', 'other', :'failed'),
                 'QA409', NULL, 'a FAILED row keeps its error');
SELECT throws_ok(format('UPDATE internal.generations SET progress = 50 WHERE id = %L', :'cancelled'),
                 'QA409', NULL, 'a CANCELLED row keeps its progress');

-- Progress only moves forward.
SELECT tests.generation_in_state(:'acc', 'PROCESSING') AS proc \gset
UPDATE internal.generations SET progress = 40 WHERE id = :'proc';
SELECT throws_ok(format('UPDATE internal.generations SET progress = 39 WHERE id = %L', :'proc'),
                 'QA409', NULL, 'progress cannot decrease');
SELECT lives_ok(format('UPDATE internal.generations SET progress = 40 WHERE id = %L', :'proc'),
                'progress may stay the same');

-- COMPLETED forces progress 100 and completed_at.
UPDATE internal.generations SET status = 'COMPLETED' WHERE id = :'proc';
SELECT is((SELECT progress FROM internal.generations WHERE id = :'proc'), 100, 'COMPLETED sets progress 100');
SELECT isnt((SELECT completed_at FROM internal.generations WHERE id = :'proc'), NULL, 'COMPLETED stamps completed_at');

-- Birth and identity.
SELECT throws_ok(format($$INSERT INTO internal.generations (id, account_id, test_mode, type, provider, model, status, credit_cost, estimated_time)
                         VALUES ('gen_000000000000000000000001', %L, false, 'AUDIO', 'local', 'espeak-ng', 'COMPLETED', 1, 2)$$, :'acc'),
                 'QA409', NULL, 'a generation cannot be born COMPLETED');
SELECT tests.generation_in_state(:'acc', 'PENDING') AS pend \gset
SELECT throws_ok(format('UPDATE internal.generations SET credit_cost = 0 + 5 WHERE id = %L', :'pend'),
                 'QA409', NULL, 'the price of a generation never changes');
SELECT is((SELECT count(*) FROM internal.job_queue WHERE generation_id = :'done'), 0::bigint,
          'terminal rows leave the scheduler''s queue');

SELECT * FROM finish();
ROLLBACK;
