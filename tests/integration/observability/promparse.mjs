// tests/integration/observability/promparse.mjs - a strict parser for the
// Prometheus text exposition format 0.0.4, for GET /metrics (no promtool on
// a bare machine, and python3 is not guaranteed: node is).
//
// Reads the exposition on stdin. On success prints one JSON object mapping
// each series ('name{l1="v1",l2="v2"}' with labels sorted, or 'name') to its
// value and exits 0; otherwise prints "line N: reason" and exits 1.
//
// Checked: every line ends in \n; # HELP / # TYPE syntax, at most one each
// per family, TYPE before the family's first sample; known types only; metric
// and label names; label values with only \\ \" \n escapes; no duplicate
// label names or series; a family's samples contiguous; every sample belongs
// to a family with HELP and TYPE; values are Go floats; counters >= 0;
// histograms: only _bucket/_sum/_count, le increasing with cumulative counts
// non-decreasing, a +Inf bucket equal to _count.
import { readFileSync } from 'node:fs';

const text = readFileSync(0, 'utf8');
const fail = (n, why) => {
  process.stdout.write(`line ${n}: ${why}\n`);
  process.exit(1);
};
if (text.length === 0) fail(0, 'empty exposition');
if (!text.endsWith('\n')) fail(text.split('\n').length, 'the last line does not end with a newline');

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:Inf|inf|NaN|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const families = new Map(); // name -> {type, help, done, samples: []}
const series = {};
let current = null; // the family whose samples are being read

function family(name) {
  if (!families.has(name)) families.set(name, { type: null, help: null, started: false, closed: false, samples: [] });
  return families.get(name);
}
function parseValue(s) {
  if (!FLOAT.test(s)) return null;
  if (/^\+?inf$/i.test(s)) return Infinity;
  if (/^-inf$/i.test(s)) return -Infinity;
  if (/^nan$/i.test(s)) return NaN;
  return Number(s);
}
// The family a sample name belongs to, given the declared types.
function familyOf(name) {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return base;
    }
  }
  return name;
}

const lines = text.slice(0, -1).split('\n');
lines.forEach((line, i) => {
  const n = i + 1;
  if (line === '') fail(n, 'empty line');
  if (line.startsWith('#')) {
    const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (!m) {
      if (/^#\s*(HELP|TYPE)\b/.test(line)) fail(n, `malformed ${line.split(/\s+/)[1]} line`);
      return; // a plain comment
    }
    const [, kind, name, rest] = m;
    if (!NAME.test(name)) fail(n, `bad metric name ${name}`);
    const f = family(name);
    if (f.started) fail(n, `${kind} for ${name} after its samples`);
    if (kind === 'HELP') {
      if (f.help !== null) fail(n, `second HELP for ${name}`);
      if (rest === undefined) fail(n, `HELP for ${name} without text`);
      if (/\\(?![\\n])/.test(rest)) fail(n, 'bad escape in HELP');
      f.help = rest;
    } else {
      if (f.type !== null) fail(n, `second TYPE for ${name}`);
      if (!TYPES.has(rest)) fail(n, `unknown type ${rest}`);
      f.type = rest;
    }
    return;
  }
  // name{labels} value [timestamp]
  const nm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!nm) fail(n, 'a sample line must start with a metric name');
  const name = nm[1];
  let pos = name.length;
  const labels = {};
  if (line[pos] === '{') {
    pos++;
    while (line[pos] !== '}') {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
      if (!lm) fail(n, `bad label at column ${pos + 1}`);
      const lname = lm[1];
      if (!LABEL.test(lname) || lname.startsWith('__')) fail(n, `bad label name ${lname}`);
      if (lname in labels) fail(n, `label ${lname} twice`);
      pos += lm[0].length;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) fail(n, 'unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else fail(n, `bad escape \\${e ?? ''} in a label value`);
          pos += 2;
        } else {
          value += c;
          pos++;
        }
      }
      labels[lname] = value;
      pos++; // closing quote
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') fail(n, `expected , or } at column ${pos + 1}`);
    }
    pos++;
  }
  if (line[pos] !== ' ') fail(n, 'expected one space before the value');
  const parts = line.slice(pos + 1).split(' ');
  if (parts.length > 2 || parts.some((p) => p === '')) fail(n, 'expected "value [timestamp]"');
  const value = parseValue(parts[0]);
  if (value === null) fail(n, `bad value ${parts[0]}`);
  if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) fail(n, `bad timestamp ${parts[1]}`);

  const base = familyOf(name);
  const f = families.get(base);
  if (!f || f.type === null) fail(n, `sample ${name} without a TYPE line`);
  if (f.help === null) fail(n, `sample ${name} without a HELP line`);
  if (f.closed) fail(n, `samples of ${base} are not contiguous`);
  if (current && current !== base) families.get(current).closed = true;
  current = base;
  f.started = true;
  if (f.type === 'histogram') {
    if (name === base) fail(n, `histogram ${base} sample without _bucket/_sum/_count`);
    if (name === base + '_bucket' && !('le' in labels)) fail(n, `${name} without le`);
  } else if (f.type === 'counter' && !(value >= 0)) fail(n, `counter ${name} is ${parts[0]}`);
  const key = name + (Object.keys(labels).length
    ? '{' + Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',') + '}'
    : '');
  if (key in series) fail(n, `duplicate series ${key}`);
  series[key] = value;
  f.samples.push({ n, name, labels, value });
});

for (const [base, f] of families) {
  if (f.type !== 'histogram') continue;
  // group by the labels other than le
  const groups = new Map();
  for (const s of f.samples) {
    const rest = Object.keys(s.labels).filter((k) => k !== 'le').sort().map((k) => `${k}=${s.labels[k]}`).join(',');
    if (!groups.has(rest)) groups.set(rest, { buckets: [], sum: null, count: null });
    const g = groups.get(rest);
    if (s.name === base + '_bucket') g.buckets.push(s);
    else if (s.name === base + '_sum') g.sum = s;
    else g.count = s;
  }
  for (const [rest, g] of groups) {
    const where = `${base}{${rest}}`;
    if (g.count === null || g.sum === null) fail(g.buckets[0]?.n ?? 0, `${where} lacks _sum or _count`);
    if (g.buckets.length === 0) fail(g.count.n, `${where} has no buckets`);
    let prevLe = -Infinity, prevCount = -Infinity;
    for (const b of g.buckets) {
      const le = parseValue(b.labels.le);
      if (le === null || Number.isNaN(le)) fail(b.n, `bad le ${b.labels.le}`);
      if (!(le > prevLe)) fail(b.n, `le ${b.labels.le} not increasing`);
      if (!(b.value >= prevCount)) fail(b.n, 'bucket counts not cumulative');
      prevLe = le;
      prevCount = b.value;
    }
    const last = g.buckets[g.buckets.length - 1];
    if (last.labels.le !== '+Inf') fail(last.n, `${where} lacks a +Inf bucket`);
    if (last.value !== g.count.value) fail(g.count.n, `${where}: +Inf bucket ${last.value} != _count ${g.count.value}`);
  }
}
process.stdout.write(JSON.stringify(series) + '\n');
