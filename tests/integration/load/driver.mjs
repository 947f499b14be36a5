// driver.mjs - the bounded mixed load of load_invariants.sh (issue 10 item 2).
//
//   node driver.mjs URL ACCOUNTS_JSON HOOK_URL SECONDS CONCURRENCY MAX_GENERATES MAX_LIVE MAX_UPSTREAM
// ACCOUNTS_JSON: [{"id", "live", "test"}] (API keys). For SECONDS, CONCURRENCY
// workers each pick an account and an operation at random:
//   generate (test mode, simulated: instant, normal or failing) with the
//   webhookUrl HOOK_URL and a fresh Idempotency-Key; generate live-local (a
//   1-credit speech generation on the live wallet, at most MAX_LIVE);
//   generate live on kling (the fake upstream, at most MAX_UPSTREAM);
//   retry an earlier generate with its Idempotency-Key and body (must replay
//   the same id); generation(id) of one of the account's own (must be found);
//   generations(first: 10); cancelGeneration of one of its own.
// Generates are paced to reach MAX_GENERATES at the end (the scheduler works
// alongside and must finish them within the test); the other operations fill
// the rest. Prints one JSON object of
// figures; exits 1 when a request failed at the transport, answered 5xx, or
// broke a promise (a replay with another id, an own generation not found).
const [url, accountsFile, hook, seconds, concurrency, maxGenerates, maxLive, maxUpstream] = process.argv.slice(2);
import fs from "node:fs";

const accounts = JSON.parse(fs.readFileSync(accountsFile, "utf8")).map((a) => ({ ...a, sent: [], ids: [] }));
const stats = { requests: 0, byOp: {}, byStatus: {}, errorCodes: {}, transportErrors: 0, serverErrors: 0,
                replayMismatches: 0, ownNotFound: 0, cancelled: 0, generates: 0, liveGenerates: 0, upstreamGenerates: 0, replays: 0, latencyMs: [] };
const GEN = "mutation G($i: GenerateInput!) { generate(input: $i) { id status } }";
const READ = "query R($id: ID!) { generation(id: $id) { id status } }";
const CANCEL = "mutation C($id: ID!) { cancelGeneration(id: $id) }";
const LIST = "{ generations(first: 10) { edges { node { id status } } } }";
let seq = 0;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

async function post(op, key, body, idem) {
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
  if (idem) headers["idempotency-key"] = idem;
  const t0 = performance.now();
  stats.requests++;
  stats.byOp[op] = (stats.byOp[op] ?? 0) + 1;
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(30000) });
    const text = await res.text();
    stats.latencyMs.push(performance.now() - t0);
    stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) stats.serverErrors++;
    let json = null;
    try { json = JSON.parse(text); } catch { /* counted by status */ }
    for (const e of json?.errors ?? []) {
      const c = e?.extensions?.code ?? "NONE";
      stats.errorCodes[c] = (stats.errorCodes[c] ?? 0) + 1;
    }
    return { status: res.status, json, replayed: res.headers.get("idempotent-replayed") === "true" };
  } catch {
    stats.transportErrors++;
    return { status: 0, json: null };
  }
}

// kind: "test" (simulated), "local" (live speech) or "upstream" (live kling).
function generateBody(kind) {
  const n = ++seq;
  const input = kind === "local"
    ? { type: "AUDIO", provider: "local", input: { text: `load ${n}` }, webhookUrl: hook }
    : { type: "VIDEO", provider: "kling", webhookUrl: hook,
        input: { text: kind === "upstream" ? `load ${n}`
                                           : `load ${n} ${pick(["[instant]", "[instant]", "", "", "[fail]"])}` } };
  return JSON.stringify({ query: GEN, variables: { i: input } });
}

async function generate(acc, kind) {
  const body = generateBody(kind), idem = `load-${process.pid}-${seq}-${Math.random().toString(36).slice(2)}`;
  const key = kind === "test" ? acc.test : acc.live;
  const r = await post({ test: "generateTest", local: "generateLive", upstream: "generateUpstream" }[kind],
                       key, body, idem);
  const id = r.json?.data?.generate?.id;
  if (id) {
    acc.sent.push({ key, body, idem, id });
    acc.ids.push({ key, id });
  }
}

async function step() {
  const acc = pick(accounts);
  const roll = Math.random();
  // Generates are paced over the run (the scheduler works alongside the load).
  const allowed = Number(maxGenerates) * Math.min(1, (Date.now() - startedAt) / (Number(seconds) * 1000) + 0.05);
  const canGenerate = stats.generates < allowed;
  if (roll < 0.3 && canGenerate) {
    let kind = "test";
    const r = Math.random();
    if (r < 0.1 && stats.liveGenerates < Number(maxLive)) kind = "local";
    else if (r < 0.3 && stats.upstreamGenerates < Number(maxUpstream ?? 0)) kind = "upstream";
    stats.generates++;
    if (kind === "local") stats.liveGenerates++;
    if (kind === "upstream") stats.upstreamGenerates++;
    return generate(acc, kind);
  }
  if (roll < 0.45 && acc.sent.length) {
    const s = pick(acc.sent);
    const r = await post("retry", s.key, s.body, s.idem);
    stats.replays++;
    const id = r.json?.data?.generate?.id;
    if (r.status === 200 && (id !== s.id || !r.replayed)) stats.replayMismatches++;
    return;
  }
  if (roll < 0.75 && acc.ids.length) {
    const g = pick(acc.ids);
    const r = await post("read", g.key, JSON.stringify({ query: READ, variables: { id: g.id } }));
    if (r.status === 200 && r.json?.data?.generation?.id !== g.id) stats.ownNotFound++;
    return;
  }
  if (roll < 0.9 || !acc.ids.length)
    return void await post("list", pick([acc.live, acc.test]), JSON.stringify({ query: LIST }));
  const g = pick(acc.ids);
  const r = await post("cancel", g.key, JSON.stringify({ query: CANCEL, variables: { id: g.id } }));
  if (r.json?.data?.cancelGeneration === true) stats.cancelled++;
}

const startedAt = Date.now();
const deadline = startedAt + Number(seconds) * 1000;
const started = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, async () => {
  while (Date.now() < deadline) await step();
}));
const elapsed = (performance.now() - started) / 1000;
const lat = stats.latencyMs.sort((a, b) => a - b);
const q = (p) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] * 10) / 10 : 0);
delete stats.latencyMs;
Object.assign(stats, { seconds: Math.round(elapsed * 10) / 10, perSecond: Math.round(stats.requests / elapsed),
                       p50ms: q(0.5), p99ms: q(0.99), maxMs: q(1), accounts: accounts.length,
                       concurrency: Number(concurrency) });
console.log(JSON.stringify(stats));
process.exit(stats.transportErrors || stats.serverErrors || stats.replayMismatches || stats.ownNotFound ? 1 : 0);
