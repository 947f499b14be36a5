// graphql-js.mjs - graphql-js's parse + validate of a document against our
// schema, in nanoseconds per operation: the peer figure for
// bench/graphql/run. usage: node graphql-js.mjs SCHEMA.graphql DOC.graphql [ITERATIONS]
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';

const [schemaFile, docFile, n = '20000'] = process.argv.slice(2);
const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
const text = readFileSync(docFile, 'utf8');
const iterations = Number(n);
const errors = validate(schema, parse(text));
if (errors.length) {
  console.error(errors.map((e) => e.message).join('\n'));
  process.exit(1);
}
for (let i = 0; i < iterations / 10; i++) validate(schema, parse(text)); // warm-up (JIT)
const start = process.hrtime.bigint();
for (let i = 0; i < iterations; i++) validate(schema, parse(text));
const ns = Number(process.hrtime.bigint() - start) / iterations;
console.log(`ns_per_op ${ns.toFixed(0)}`);
