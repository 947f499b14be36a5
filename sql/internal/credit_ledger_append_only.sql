-- internal.credit_ledger_append_only: trigger function that makes the credit
-- ledger append-only (SPEC §7): UPDATE, DELETE and TRUNCATE are refused with
-- SQLSTATE 23001 (restrict_violation). Corrections are new 'adjustment' rows.
-- The triggers are (re)attached here, next to their function, with
-- CREATE OR REPLACE TRIGGER (PostgreSQL 14+) so this file stays re-runnable.
CREATE OR REPLACE FUNCTION internal.credit_ledger_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'restrict_violation',
    MESSAGE = format('internal.credit_ledger is append-only: %s refused', TG_OP);
END
$$;

CREATE OR REPLACE TRIGGER credit_ledger_append_only
  BEFORE UPDATE OR DELETE ON internal.credit_ledger
  FOR EACH ROW EXECUTE FUNCTION internal.credit_ledger_append_only();

CREATE OR REPLACE TRIGGER credit_ledger_no_truncate
  BEFORE TRUNCATE ON internal.credit_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION internal.credit_ledger_append_only();
