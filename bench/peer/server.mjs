// bench/peer/server.mjs - the peer of bench/run: one Node process with
// graphql-js, graphql-http and a pg Pool (8 connections, one named prepared
// statement) serving generate and generation(id) through the same stored
// function as doitong.fcgi, api.execute(key hash, request): authentication,
// limits, idempotency, pricing and the write in one call. The key is hashed
// and the request built as doitong.fcgi does; the answer's result becomes the
// field's value or a GraphQL error. Prints "listening <port>" when ready.
//   node server.mjs --dsn postgresql://... [--port 0] [--pool 8]
import crypto from 'node:crypto';
import http from 'node:http';
import { GraphQLError, buildSchema } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import pg from 'pg';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const pool = new pg.Pool({ connectionString: arg('dsn'), max: Number(arg('pool', 8)) });

const schema = buildSchema(`
  enum GenerationType { VIDEO IMAGE AUDIO AVATAR }
  input MediaInput { text: String image: String audio: String video: String voice: String }
  input GenerateInput { type: GenerationType! provider: String model: String input: MediaInput! webhookUrl: String }
  type Generation { id: ID! type: GenerationType! status: String! provider: String model: String
                    creditCost: Int createdAt: String }
  type Query { generation(id: ID!): Generation }
  type Mutation { generate(input: GenerateInput!): Generation! }
`);

// The names of the fields selected on the field's object (fragments
// included), sent as the call's "select" as doitong.fcgi does.
function selected(info) {
  const names = new Set();
  const walk = (set) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') names.add(s.name.value);
      else if (s.kind === 'InlineFragment') walk(s.selectionSet);
      else if (s.kind === 'FragmentSpread') walk(info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  names.delete('__typename');
  return [...names];
}

// One api.execute call per request, as doitong.fcgi makes it.
async function execute(ctx, info, field, args, mutation) {
  const request = { calls: [{ field, args, select: selected(info) }], mutation, fingerprint: ctx.fingerprint };
  if (mutation && ctx.idempotencyKey) request.idempotencyKey = ctx.idempotencyKey;
  let row;
  try {
    ({ rows: [row] } = await pool.query({
      name: 'execute',
      text: 'SELECT api.execute($1, $2)::text AS r',
      values: [ctx.keyHash, JSON.stringify(request)],
    }));
  } catch (e) {
    throw new GraphQLError(e.message, { extensions: { code: e.code } });
  }
  const result = JSON.parse(row.r).results[0];
  if (result.error) throw new GraphQLError(result.error.message, { extensions: { code: result.error.code } });
  return result.data;
}

const rootValue = {
  generation: (args, ctx, info) => execute(ctx, info, 'generation', { id: args.id }, false),
  generate: (args, ctx, info) => execute(ctx, info, 'generate', { input: args.input }, true),
};

const handler = createHandler({
  schema,
  rootValue,
  context: (req, params) => {
    const auth = req.headers.authorization || '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (!key) return new GraphQLError('Missing API key.', { extensions: { code: 'UNAUTHENTICATED' } });
    return {
      keyHash: crypto.createHash('sha256').update(key).digest('hex'),
      idempotencyKey: req.headers['idempotency-key'],
      fingerprint: crypto.createHash('sha256')
        .update(`${params.operationName || ''}\n${params.query}\n${JSON.stringify(params.variables || {})}`)
        .digest('hex'),
    };
  },
});

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/graphql')) return handler(req, res);
  res.writeHead(404).end();
});
server.listen(Number(arg('port', 0)), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); pool.end().then(() => process.exit(0)); });
