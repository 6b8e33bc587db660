-- FerretDB 1.24 (PostgreSQL backend) creates each MongoDB index as a btree over `(_jsonb -> 'field')`
-- but pushes an equality filter down as `_jsonb -> 'field' @> value`, which a btree cannot serve
-- (upstream FerretDB issue 4646, fixed only in FerretDB 2). A GIN index over the same expression can.
-- This event trigger gives every such btree index a GIN companion, one per distinct expression and
-- table, so that every lookup FerretDB pushes down uses an index. Idempotent: run at every start.
CREATE OR REPLACE FUNCTION mb_gin_companion() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
  ix record;
  expr text;
  k int;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands()
             WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    SELECT i.indexrelid, i.indnatts, am.amname, t.relname AS tbl, n.nspname AS nsp
      INTO ix
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_am am ON am.oid = c.relam
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE i.indexrelid = cmd.objid;
    -- Only FerretDB's btree indexes: the GIN ones made here fire this trigger again.
    CONTINUE WHEN ix.amname IS DISTINCT FROM 'btree' OR ix.nsp IN ('pg_catalog', 'information_schema');
    FOR k IN 1..ix.indnatts LOOP
      expr := pg_get_indexdef(ix.indexrelid, k, false);
      -- FerretDB's top-level field expressions only: `((_jsonb -> 'campaignId'::text))`. Dotted
      -- paths are left out, as FerretDB 1.24 pushes no filter on them down.
      CONTINUE WHEN expr !~ '^\(?\(_jsonb -> ''[^'']+''::text\)\)?$';
      EXECUTE format(
        'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s) WITH (fastupdate = off)',
        left(ix.tbl, 30) || '_' || left(md5(expr), 12) || '_gin', ix.nsp, ix.tbl, expr);
    END LOOP;
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS mb_gin_companion;
CREATE EVENT TRIGGER mb_gin_companion ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION mb_gin_companion();
