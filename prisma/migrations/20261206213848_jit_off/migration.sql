-- JIT off for every new session of this database. The API's statements are short OLTP reads and
-- writes, but the planner's cost of the work queue (GET /v1/cases?attention=true: a UNION of the
-- three journeys with their attention subqueries) passes jit_above_cost at 100,000 cases, and
-- PostgreSQL then spent 16 of the statement's 21 seconds compiling it (EXPLAIN ANALYZE: JIT
-- Optimization 10.1 s, Emission 5.2 s, in npm run bench -- list with BENCH_EXPLAIN=1).
-- jit is a user setting: the database's owner may set it, no superuser needed.
-- The body is an E'' string with \073 for its semicolon: Prisma's migrate deploy splits a script on
-- semicolons, inside dollar quotes too.
DO E'BEGIN EXECUTE format(''ALTER DATABASE %I SET jit = off'', current_database())\073 END';
