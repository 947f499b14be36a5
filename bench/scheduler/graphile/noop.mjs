// graphile-worker no-op job throughput: the peer figure for bench/scheduler/run.
//   node noop.mjs --dsn postgresql://... [--jobs 20000] [--timeout 120]
// Installs graphile-worker's schema in that database, empties its job tables,
// enqueues N no-op jobs with addJobs (1000 per call, timed), then runs ONE
// worker with the batching preset and times it from start until every job is
// completed (the task counts runs; the job table must then be empty).
// Prints `graphile_enqueue_per_s`, `graphile_noop_per_s`, `graphile_version`.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import pg from "pg";
import { Logger, makeWorkerUtils, run, runMigrations } from "graphile-worker";

const version = createRequire(import.meta.url)("graphile-worker/package.json").version;

const { values: args } = parseArgs({
	options: {
		dsn: { type: "string" },
		jobs: { type: "string", default: "20000" },
		timeout: { type: "string", default: "120" },
	},
});
const fail = (msg) => {
	console.error(`noop.mjs: ${msg}`);
	process.exit(2);
};
if (!args.dsn) fail("usage: node noop.mjs --dsn POSTGRES_URL [--jobs N] [--timeout SECONDS]");
const N = Number(args.jobs);
const limitS = Number(args.timeout);
if (!Number.isInteger(N) || N < 1) fail(`bad --jobs: ${args.jobs}`);
if (!Number.isFinite(limitS) || limitS <= 0) fail(`bad --timeout: ${args.timeout}`);

const BATCH = 1000;
const SCHEMA = "graphile_worker";

// Warnings and errors only; graphile-worker's info lines would drown the figures.
const logger = new Logger(() => (level, message) => {
	if (level === "error" || level === "warning") console.error(`graphile-worker ${level}: ${message}`);
});

// The documented high-throughput preset, one process.
const preset = {
	worker: {
		connectionString: args.dsn,
		schema: SCHEMA,
		logger,
		concurrentJobs: 24,
		maxPoolSize: 25,
		localQueue: { size: 500 },
		completeJobBatchDelay: 0,
		failJobBatchDelay: 0,
	},
};

const now = () => performance.now();
const perSecond = (n, ms) => Math.round((n * 1000) / Math.max(ms, 0.001));

// One plain connection of our own for wiping and counting.
const admin = new pg.Client({ connectionString: args.dsn });
let utils = null;
let runner = null;
let exitCode = 0;

async function remaining() {
	const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${SCHEMA}._private_jobs`);
	return rows[0].n;
}

async function stopWorkers() {
	if (runner) {
		const r = runner;
		runner = null;
		await r.stop().catch((e) => console.error(`noop.mjs: runner stop: ${e.message}`));
		await r.promise.catch(() => {});
	}
	if (utils) {
		const u = utils;
		utils = null;
		await u.release().catch(() => {});
	}
}

async function shutdown() {
	await stopWorkers();
	await admin.end().catch(() => {});
}

async function main() {
	await admin.connect();

	// Schema (graphile-worker's own migrations), then an empty queue.
	await runMigrations({ preset });
	await admin.query(`TRUNCATE ${SCHEMA}._private_jobs, ${SCHEMA}._private_job_queues`);

	// Enqueue: addJobs, BATCH jobs per call, one call after another.
	utils = await makeWorkerUtils({ preset });
	const t0 = now();
	for (let done = 0; done < N; ) {
		const n = Math.min(BATCH, N - done);
		const specs = Array.from({ length: n }, (_, i) => ({ identifier: "noop", payload: { i: done + i } }));
		await utils.addJobs(specs);
		done += n;
	}
	const enqueueMs = now() - t0;
	await utils.release();
	utils = null;
	const queued = await remaining();
	if (queued !== N) throw new Error(`expected ${N} queued jobs, found ${queued}`);

	// Run: one worker; done when the task has run N times and the table is empty.
	let ran = 0;
	let allRan;
	const allRanP = new Promise((resolve) => (allRan = resolve));
	const taskList = {
		noop: async () => {
			if (++ran === N) allRan();
		},
	};
	let timer;
	const timedOut = new Promise((resolve) => (timer = setTimeout(resolve, limitS * 1000, "timeout")));

	const t1 = now();
	runner = await run({ preset, taskList, crontab: "", noHandleSignals: true });
	let outcome = await Promise.race([allRanP.then(() => "ran"), timedOut, runner.promise.then(() => "stopped")]);
	let left = -1;
	if (outcome === "ran") {
		// Completions are batched: wait for the last DELETE to land.
		for (;;) {
			left = await remaining();
			if (left === 0) break;
			const r = await Promise.race([new Promise((res) => setTimeout(res, 2, "")), timedOut]);
			if (r === "timeout") {
				outcome = "timeout";
				break;
			}
		}
	}
	const runMs = now() - t1;
	clearTimeout(timer);
	await stopWorkers();
	if (outcome !== "ran" || left !== 0) left = await remaining().catch(() => -1);
	await shutdown();

	if (outcome !== "ran" || left !== 0) {
		const what = outcome === "stopped" ? "the runner stopped early" : `time limit of ${limitS} s reached`;
		console.error(`noop.mjs: ${what}: task ran ${ran}/${N} times, ${left < 0 ? "?" : left} jobs left in the table`);
		console.log(`graphile_enqueue_per_s ${perSecond(N, enqueueMs)}`);
		console.log(`graphile_noop_done ${ran}`);
		console.log(`graphile_version ${version}`);
		exitCode = 1;
		return;
	}
	if (ran !== N) throw new Error(`task ran ${ran} times for ${N} jobs`);
	console.error(
		`noop.mjs: ${N} jobs enqueued in ${enqueueMs.toFixed(0)} ms, processed in ${runMs.toFixed(0)} ms ` +
			`(graphile-worker ${version}, concurrentJobs 24, maxPoolSize 25, localQueue 500, batch delays 0)`,
	);
	console.log(`graphile_enqueue_per_s ${perSecond(N, enqueueMs)}`);
	console.log(`graphile_noop_per_s ${perSecond(N, runMs)}`);
	console.log(`graphile_version ${version}`);
}

for (const sig of ["SIGINT", "SIGTERM"]) {
	process.once(sig, () => {
		console.error(`noop.mjs: ${sig}, stopping`);
		shutdown().finally(() => process.exit(1));
	});
}

// Last resort if something hangs outside the timed phase (connecting, migrating, enqueuing).
setTimeout(() => {
	console.error(`noop.mjs: no result after ${2 * limitS + 30} s, giving up`);
	process.exit(1);
}, (2 * limitS + 30) * 1000).unref();

try {
	await main();
} catch (e) {
	console.error(`noop.mjs: ${e.stack || e}`);
	exitCode = 1;
	await shutdown();
}
process.exitCode = exitCode;
