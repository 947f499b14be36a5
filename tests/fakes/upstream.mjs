#!/usr/bin/env node
// tests/fakes/upstream.mjs - one local fake of the upstream video APIs
// (reference/providers.md §2 Kling, §3 MiniMax, §4 Veo on the Gemini API
// and on Vertex AI (with Google's OAuth2 token endpoint and Cloud Storage),
// §5 Runway, §6 Luma, §7 Seedance on BytePlus Ark, §8 Wan, §9 Vidu; the
// image, speech and avatar upstreams §10 Imagen (Gemini :predict,
// synchronous base64), §11 BFL FLUX, §13 Seedream (synchronous URLs or
// b64_json), §14 HeyGen, §16 ElevenLabs (the answer body is the audio); and
// the aggregators §17 fal's queue and §18 Replicate's predictions),
// speaking their wire format on 127.0.0.1 so the adapters can be tested
// without the network. Node 20 built-ins only.
//
//   node tests/fakes/upstream.mjs --port 0 --media share/samples \
//        [--luma-key K] [--runway-key K] [--kling-access AK --kling-secret SK]
//        [--minimax-key K] [--wan-key K] [--veo-key K] [--seedance-key K]
//        [--vidu-key K] [--fal-key K] [--replicate-key K] [--bfl-key K]
//        [--imagen-key K] [--seedream-key K] [--elevenlabs-key K] [--heygen-key K] [--hedra-key K]
// prints "listening <port>" on stdout once bound.
//
// Upstream routes (base URLs: luma http://127.0.0.1:P/dream-machine/v1,
// runway and kling http://127.0.0.1:P):
//   POST   /dream-machine/v1/generations/video      Luma submit (also /generations)
//   GET    /dream-machine/v1/generations/{id}       Luma task
//   DELETE /dream-machine/v1/generations/{id}       Luma delete (204)
//   POST   /v1/image_to_video                       Runway submit
//   GET    /v1/tasks/{id}                           Runway task
//   DELETE /v1/tasks/{id}                           Runway cancel (204)
//   POST   /v1/videos/{text2video|image2video}      Kling submit
//   GET    /v1/videos/{family}/{task_id}            Kling task (same family only)
//   GET    /v1/videos/{family}?pageNum=&pageSize=   Kling list, newest first
//   POST   /v1/video_generation                     MiniMax submit
//   GET    /v1/query/video_generation?task_id=      MiniMax task
//   GET    /v1/files/retrieve?file_id=              MiniMax result step (file.download_url)
//   POST   /api/v1/services/aigc/video-generation/video-synthesis   Wan (DashScope) submit
//   GET    /api/v1/tasks/{task_id}                  Wan task (UNKNOWN when not known)
//   POST   /v1beta/models/{model}:predictLongRunning   Veo submit -> {"name"}
//   GET    /v1beta/models/{model}/operations/{id}   Veo operation (done/error/response)
//   GET    /v1beta/files/{id}:download?alt=media    Veo result (the key header required): 302 to
//                                                    http://localhost:P/blob/{id}.mp4, as Google
//                                                    redirects to storage; the blob answers 400
//                                                    when the API key follows the redirect
//   POST   /token                                   Google OAuth2 (RFC 7523 jwt-bearer): the RS256
//                                                    assertion is verified with the fake's service
//                                                    account key (GET /_fake/vertex-key)
//   POST   /vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:predictLongRunning
//   POST   /vertex/v1/.../models/{m}:fetchPredictOperation {"operationName"}
//   POST   /vertex/v1/.../models/{m}:predict         Imagen on Vertex (synchronous, scripted as imagen)
//                                                    Veo on Vertex AI: Bearer <issued token>,
//                                                    response.videos[0].bytesBase64Encoded (or
//                                                    gcsUri with "result":"gcs")
//   GET    /storage/{bucket}/{object}               Cloud Storage download (Bearer token)
//   POST   /api/v3/contents/generations/tasks       Seedance submit -> {"id"}
//   GET    /api/v3/contents/generations/tasks/{id}  Seedance task (DELETE: cancel)
//   POST   /ent/v2/{img2video|text2video}           Vidu submit -> {"task_id","state"}
//   GET    /ent/v2/tasks/{id}/creations             Vidu task (POST .../cancel)
//   POST   /fal-ai/{app}[/{path}]                   fal queue submit -> request_id + URLs
//   GET    /fal-ai/{app}/requests/{id}/status       fal status: 202 IN_QUEUE|IN_PROGRESS, 200 COMPLETED
//   GET    /fal-ai/{app}/requests/{id}              fal result {"video":{"url"}} (PUT .../cancel)
//   POST   /v1/models/{owner}/{name}/predictions    Replicate submit (201 prediction)
//   GET    /v1/predictions/{id}                     Replicate prediction (POST .../cancel)
//   POST   /v1/flux-{model}                         BFL submit -> {"id","polling_url"}
//   GET    /v1/get_result?id=                       BFL result: Pending|Ready|Error|... result.sample
//   POST   /v1beta/models/{model}:predict           Imagen (synchronous): predictions[].bytesBase64Encoded
//   POST   /api/v3/images/generations               Seedream (synchronous): data[].url | b64_json
//   POST   /v1/text-to-speech/{voice_id}?output_format=   ElevenLabs (synchronous): audio/mpeg body
//   POST   /v2/video/generate                       HeyGen submit -> {"error":null,"data":{"video_id"}}
//   GET    /v1/video_status.get?video_id=           HeyGen status {"code":100,"data":{status,video_url}}
//   POST   /web-app/public/assets {name,type}       Hedra asset -> {"id"}; POST .../assets/{id}/upload
//          multipart/form-data "file" (the bytes must be of the asset's type)
//   POST   /web-app/public/generations              Hedra submit (uploaded image + audio assets) -> {"id"}
//   GET    /web-app/public/generations/{id}/status  Hedra status queued|processing|complete|error, url
//   GET    /files/{name}.{mp4|png|jpg|mp3}          result files from --media and tests/fakes/media
// Auth is checked as the upstreams do: Luma `Authorization: Bearer <key>`
// (401 {"detail"}); Runway Bearer plus `X-Runway-Version: 2024-11-06` (401
// {"error"}, 400 without the version); Kling an HS256 JWT from the access
// and secret keys with iss/exp/nbf checked (401 {"code":1000|1004});
// MiniMax Bearer, refused as MiniMax does: HTTP 200 with base_resp 1004.
// MiniMax errors are HTTP 200 with base_resp.status_code != 0 (429 -> 1002,
// 400 -> 2013, moderation -> 1026; a moderated task ends Fail with 1027);
// its "503" is an HTTP 503. Wan: Bearer (401 {"code":"InvalidApiKey"}) and
// X-DashScope-Async: enable on the submit (403 {"code":"AccessDenied"}
// without it); errors {"request_id","code","message"}; final "expired"
// shows the task as UNKNOWN. Veo: x-goog-api-key on every /v1beta route,
// the file download too (403 PERMISSION_DENIED without it, 400
// INVALID_ARGUMENT + API_KEY_INVALID for a wrong one); Google RPC errors;
// final moderation = done with no sample and raiMediaFilteredCount 1.
// Seedance: Bearer (401 AuthenticationError), errors {"error":{"code","message"}},
// moderation InputText/OutputVideoSensitiveContentDetected. Vidu: `Token <key>`,
// errors {"code","reason","message"}, a failed task's err_code (AuditFailed =
// moderation). BFL: `x-key` (401 {"detail"}), 422 {"detail":[...]}, 402
// without credits, final moderation = "Content Moderated" with details;
// its result URL is signed and expires (result "expired"). Imagen: the Veo
// key rules; final moderation = a prediction with raiFilteredReason and no
// bytes, "malformed" = bytes that are not base64 of an image. Seedream: Ark
// Bearer and errors; the answer holds b64_json when the request asked for it
// or the script's result is "b64". ElevenLabs: `xi-api-key` (401
// {"detail":{"status":"invalid_api_key"}}), 422 {"detail":[...]}, the answer
// is the MP3 itself ("html" serves text/html, "malformed" bytes that are
// no audio). HeyGen: `X-Api-Key`, errors {"error":{"code","message"}},
// statuses pending|processing|completed|failed. fal: `Key <key>` (401 {"detail"}), 422 {"detail":[{msg,type}]},
// final failed = COMPLETED with error/error_type, moderation = the result
// answering 422 content_policy_violation; "poll" also breaks the result step.
// Replicate: Bearer, problem details, failed predictions' error text (NSFW =
// moderation); output is one URL (a list when the input has output_list).
//
// Control API (same port):
//   POST /_fake/script {"provider":"luma|runway|kling|minimax|wan|veo|vertex|seedance|vidu|fal|replicate|all",
//        "submit":"ok|503|429|400|moderation|hang|reset|timeout-after-accept|malformed",
//        "pollsUntilDone":N, "final":"succeed|failed|moderation|expired (wan)|malformed (sync)",
//        "pollStatus":"<status shown before done>",
//        "result":"ok|expired|html|huge|huge-declared|slow",
//        "poll":"ok|503|reset|malformed" (every poll of the provider, also of tasks
//        already accepted, and MiniMax's files/retrieve),
//        "retryAfter":S, "token":"ok|invalid|503" (vertex: the token endpoint),
//        "tokenTtl":S (vertex: expires_in, default 3599)}
//     merges into that provider's script, which holds until changed or reset.
//     hang: the submit is never answered, no task made; reset: the connection
//     is destroyed after the request arrived, no task made;
//     timeout-after-accept: the task is made but the answer never comes.
//     malformed: HTTP 200, application/json, a body that is not JSON.
//     result expired -> the result URL answers 403; html -> served as text/html;
//     huge -> 2 GiB + 1 MiB of video/mp4, chunked (no length), one reused
//     buffer, until the client hangs up; huge-declared -> the same with a
//     Content-Length of 2 GiB + 1; slow -> the real file in 20 pieces over
//     "slowMs" (default 8000; any script may set it) ms. stats.resultBytes
//     counts the result bytes sent in these modes.
//   GET  /_fake/vertex-key  a service-account key file for this fake (token_uri = its /token)
//   GET  /_fake/stats   {"submissions","accepted","polls","cancels","lookups","results","tokens",
//        "unauthorized","byExternalId","byPrompt","tasks","requests":[{provider,
//        method,path,headers (secrets redacted),body}], "requestsDropped"}
//   POST /_fake/reset   forgets tasks, stats and scripts.
// Defaults are fast: submit ok, pollsUntilDone 1 (the first poll is final),
// final succeed, no delays; the request log keeps the last 500 entries.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
function arg(name, dflt) {
	const i = args.indexOf(`--${name}`);
	return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}
const opt = {
	port: Number(arg('port', '0')),
	media: arg('media', 'share/samples'),
	lumaKey: arg('luma-key', 'luma-test-key'),
	runwayKey: arg('runway-key', 'runway-test-key'),
	klingAccess: arg('kling-access', 'kling-test-access'),
	klingSecret: arg('kling-secret', 'kling-test-secret'),
	minimaxKey: arg('minimax-key', 'minimax-test-key'),
	wanKey: arg('wan-key', 'wan-test-key'),
	veoKey: arg('veo-key', 'veo-test-key'),
	seedanceKey: arg('seedance-key', 'seedance-test-key'),
	viduKey: arg('vidu-key', 'vidu-test-key'),
	falKey: arg('fal-key', 'fal-test-key'),
	replicateKey: arg('replicate-key', 'replicate-test-key'),
	bflKey: arg('bfl-key', 'bfl-test-key'),
	imagenKey: arg('imagen-key', 'imagen-test-key'),
	seedreamKey: arg('seedream-key', 'seedream-test-key'),
	elevenlabsKey: arg('elevenlabs-key', 'elevenlabs-test-key'),
	heygenKey: arg('heygen-key', 'heygen-test-key'),
	hedraKey: arg('hedra-key', 'hedra-test-key'),
	resultFile: arg('result-file', 'sample-video.mp4'),
};
const PROVIDERS = ['luma', 'runway', 'kling', 'minimax', 'wan', 'veo', 'vertex', 'seedance', 'vidu', 'fal', 'replicate',
	'bfl', 'imagen', 'seedream', 'elevenlabs', 'heygen', 'hedra'];
// Upstreams that answer the submit with the result (no task to poll).
const SYNC = ['imagen', 'seedream', 'elevenlabs'];
// Result files: --media (the installed samples) and the fake's own.
const MEDIA_DIRS = [null, path.join(path.dirname(new URL(import.meta.url).pathname), 'media')];
const TYPES = { mp4: 'video/mp4', png: 'image/png', jpg: 'image/jpeg', mp3: 'audio/mpeg' };
function mediaFile(name) {
	for (const d of MEDIA_DIRS) {
		const f = path.join(d ?? opt.media, name);
		if (fs.existsSync(f)) return f;
	}
	return null;
}
// The file a task's result is: by what the upstream makes.
function resultFileOf(provider, family, body) {
	if (provider === 'elevenlabs' || family.includes('elevenlabs') || family.includes('tts')) return 'sample-speech.mp3';
	if (provider === 'seedream') return 'sample-image.jpg';
	if (provider === 'bfl') return body?.output_format === 'png' ? 'sample-image.png' : 'sample-image.jpg';
	if (provider === 'imagen' || /flux|imagen|seedream/.test(family)) return 'sample-image.png';
	return opt.resultFile;
}
// Vertex AI: the service account this fake trusts, and the tokens it issued
// (kept across /_fake/reset: a scheduler caches its token for an hour).
const VERTEX_EMAIL = 'doitong-test@fake-project.iam.gserviceaccount.com';
const VERTEX_PROJECT = 'fake-project';
const vertexKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const vertexTokens = new Map();   // token -> expiry (ms)
const REQUEST_LOG_MAX = 500;
const RUNWAY_VERSION = '2024-11-06';

const defaultScript = () => ({ submit: 'ok', poll: 'ok', pollsUntilDone: 1, final: 'succeed',
	pollStatus: null, result: 'ok', retryAfter: 1, token: 'ok', tokenTtl: 3599 });
let state;
function reset() {
	for (const s of state?.held ?? []) s.destroy();
	state = {
		scripts: Object.fromEntries(PROVIDERS.map((p) => [p, defaultScript()])),
		tasks: new Map(),        // `${provider}:${id}` -> task
		assets: new Map(),       // Hedra assets
		order: [],               // kling list order
		held: new Set(),         // sockets never answered
		seq: 0,
		stats: {
			submissions: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			accepted: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			polls: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			cancels: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			lookups: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			results: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			unauthorized: Object.fromEntries(PROVIDERS.map((p) => [p, 0])),
			tokens: 0,
			byExternalId: {},
			byPrompt: {},
			requests: [],
			requestsDropped: 0,
			resultBytes: 0,
		},
	};
}
reset();

// ------------------------------------------------------------ helpers
function send(res, status, body, headers = {}) {
	if (res.destroyed) return;
	const text = body === null || body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text),
		...headers });
	res.end(text);
}
function redact(headers) {
	const out = {};
	for (const [k, v] of Object.entries(headers)) {
		if (k === 'authorization') out[k] = String(v).replace(/^(\S+)\s.*$/, '$1 <redacted>');
		else if (/key|secret|token/i.test(k)) out[k] = '<redacted>';
		else out[k] = v;
	}
	return out;
}
function record(provider, req, body) {
	const s = state.stats;
	s.requests.push({ provider, method: req.method, path: req.url, headers: redact(req.headers), body });
	if (s.requests.length > REQUEST_LOG_MAX) {
		s.requests.shift();
		s.requestsDropped++;
	}
}
function hold(req, res) {   // never answer; forget on reset
	state.held.add(res.socket);
	res.socket.on('close', () => state.held.delete(res.socket));
}
function b64url(buf) {
	return Buffer.from(buf).toString('base64url');
}
function newId(provider) {
	state.seq++;
	if (provider === 'kling') return String(860000000000 + state.seq);
	if (provider === 'minimax') return String(106916112212000 + state.seq);
	return crypto.randomUUID();
}
function baseUrl(req) {
	return `http://${req.headers.host}`;
}

// ------------------------------------------------------------ auth
function authLuma(req) {
	return req.headers.authorization === `Bearer ${opt.lumaKey}` ? null
		: [401, { detail: 'Invalid API key provided' }];
}
function authRunway(req) {
	if (req.headers.authorization !== `Bearer ${opt.runwayKey}`)
		return [401, { error: 'Invalid API key. Please provide a valid API key in the Authorization header.' }];
	if (req.headers['x-runway-version'] !== RUNWAY_VERSION)
		return [400, { error: `X-Runway-Version header is required and must be ${RUNWAY_VERSION}` }];
	return null;
}
function authKling(req) {
	const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
	const bad = (code, message) => [401, { code, message, request_id: crypto.randomUUID() }];
	if (!m) return bad(1000, 'Authorization header is empty or malformed');
	const [, h, p, sig] = m;
	const want = b64url(crypto.createHmac('sha256', opt.klingSecret).update(`${h}.${p}`).digest());
	if (sig.length !== want.length || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(want)))
		return bad(1002, 'Authorization signature is invalid');
	let head, claims;
	try {
		head = JSON.parse(Buffer.from(h, 'base64url').toString());
		claims = JSON.parse(Buffer.from(p, 'base64url').toString());
	} catch {
		return bad(1000, 'Authorization token is not JSON');
	}
	const now = Math.floor(Date.now() / 1000);
	if (head.alg !== 'HS256' || head.typ !== 'JWT') return bad(1000, 'Unsupported token header');
	if (claims.iss !== opt.klingAccess) return bad(1001, 'Access key not found');
	if (!(claims.exp > now)) return bad(1004, 'Authorization token expired');
	if (!(claims.nbf <= now)) return bad(1003, 'Authorization token not yet valid');
	return null;
}

const minimaxResp = (code, msg) => ({ status_code: code, status_msg: msg });
function authMinimax(req) {
	return req.headers.authorization === `Bearer ${opt.minimaxKey}` ? null
		: [200, { base_resp: minimaxResp(1004, "login fail: Please carry the API secret key in the 'Authorization' field of the request header") }];
}

const dashscopeErr = (code, message) => ({ request_id: crypto.randomUUID(), code, message });
function authWan(req) {
	return req.headers.authorization === `Bearer ${opt.wanKey}` ? null
		: [401, dashscopeErr('InvalidApiKey', 'Invalid API-key provided.')];
}

const googleErr = (code, status, message, details) => ({ error: { code, message, status, ...(details ? { details } : {}) } });
function authVeo(req) {
	const k = req.headers['x-goog-api-key'];
	if (k === undefined)
		return [403, googleErr(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.')];
	if (k !== opt.veoKey)
		return [400, googleErr(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.',
			[{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }])];
	return null;
}

function authVertex(req) {
	const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
	const exp = m ? vertexTokens.get(m[1]) : undefined;
	if (exp === undefined || exp <= Date.now())
		return [401, googleErr(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.')];
	return null;
}

const arkErr = (code, message) => ({ error: { code, message, param: '', type: code } });
function authSeedance(req) {
	return req.headers.authorization === `Bearer ${opt.seedanceKey}` ? null
		: [401, arkErr('AuthenticationError', 'The API key or AK/SK in the request is missing or invalid.')];
}
const viduErr = (code, reason, message) => ({ code, reason, message, metadata: {} });
function authVidu(req) {
	return req.headers.authorization === `Token ${opt.viduKey}` ? null
		: [401, viduErr(401, 'Unauthorized', 'invalid api key')];
}
function authFal(req) {
	return req.headers.authorization === `Key ${opt.falKey}` ? null
		: [401, { detail: 'Authentication is required to access this application.' }];
}
function authReplicate(req) {
	return req.headers.authorization === `Bearer ${opt.replicateKey}` ? null
		: [401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 }];
}
function authBfl(req) {
	return req.headers['x-key'] === opt.bflKey ? null : [401, { detail: 'Not authenticated - Invalid Authentication' }];
}
function authImagen(req) {
	const k = req.headers['x-goog-api-key'];
	if (k === undefined)
		return [403, googleErr(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers.')];
	return k === opt.imagenKey ? null : [400, googleErr(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.',
		[{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }])];
}
function authSeedream(req) {
	return req.headers.authorization === `Bearer ${opt.seedreamKey}` ? null
		: [401, arkErr('AuthenticationError', 'The API key or AK/SK in the request is missing or invalid.')];
}
const elevenErr = (status, message) => ({ detail: { status, message } });
function authElevenlabs(req) {
	return req.headers['xi-api-key'] === opt.elevenlabsKey ? null
		: [401, elevenErr('invalid_api_key', 'Invalid API key')];
}
const heygenErr = (code, message) => ({ error: { code, message }, data: null });
function authHedra(req) {
	return req.headers['x-api-key'] === opt.hedraKey ? null : [401, { detail: 'Invalid API key' }];
}
function authHeygen(req) {
	return req.headers['x-api-key'] === opt.heygenKey ? null : [401, heygenErr('invalid_api_key', 'Invalid API key')];
}
const falDetail = (msg, type) => ({ detail: [{ loc: ['body', 'prompt'], msg, type }] });

// ------------------------------------------------------------ upstream error shapes
const errors = {
	luma: {
		503: () => [503, { detail: 'Service temporarily unavailable' }],
		429: () => [429, { detail: 'Too many requests, please slow down' }],
		400: (why) => [400, { detail: `Invalid request: ${why}` }],
		moderation: () => [400, { detail: '400: Prompt not allowed because advanced moderation failed' }],
		404: () => [404, { detail: 'Generation not found' }],
	},
	runway: {
		503: () => [503, { error: 'Service Unavailable' }],
		429: () => [429, { error: 'You have exceeded the rate limit for this model.' }],
		400: (why) => [400, { error: `Validation of body failed: ${why}`, issues: [{ message: why }] }],
		moderation: () => [400, { error: 'Your prompt was flagged by content moderation.' }],
		404: () => [404, { error: 'Task not found' }],
	},
	kling: {
		503: () => [503, { code: 5001, message: 'Server is temporarily unavailable', request_id: crypto.randomUUID() }],
		429: () => [429, { code: 1302, message: 'The API request is too fast, please slow down', request_id: crypto.randomUUID() }],
		400: (why) => [400, { code: 1201, message: `Invalid request parameters: ${why}`, request_id: crypto.randomUUID() }],
		moderation: () => [400, { code: 1301, message: 'Trigger the content security policy of the platform', request_id: crypto.randomUUID() }],
		404: () => [404, { code: 1203, message: 'Task not found', request_id: crypto.randomUUID() }],
	},
	minimax: {
		503: () => [503, { base_resp: minimaxResp(1013, 'service unavailable') }],
		429: () => [200, { task_id: '', base_resp: minimaxResp(1002, 'rate limit exceeded(RPM)') }],
		400: (why) => [200, { task_id: '', base_resp: minimaxResp(2013, `invalid params, ${why}`) }],
		moderation: () => [200, { task_id: '', base_resp: minimaxResp(1026, 'input new_sensitive') }],
		404: () => [200, { task_id: '', status: '', base_resp: minimaxResp(2013, 'invalid params, task not found') }],
	},
	veo: {
		503: () => [503, googleErr(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')],
		429: () => [429, googleErr(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.')],
		400: (why) => [400, googleErr(400, 'INVALID_ARGUMENT', why)],
		moderation: () => [400, googleErr(400, 'INVALID_ARGUMENT', "The prompt could not be submitted. This prompt contains words that violate Google's Responsible AI practices (moderation).")],
		404: () => [404, googleErr(404, 'NOT_FOUND', 'Operation not found')],
	},
	wan: {
		503: () => [503, dashscopeErr('ServiceUnavailable', 'The service is temporarily unavailable.')],
		429: () => [429, dashscopeErr('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.')],
		400: (why) => [400, dashscopeErr('InvalidParameter', why)],
		moderation: () => [400, dashscopeErr('DataInspectionFailed', 'Input data may contain inappropriate content.')],
		// DashScope answers an unknown or expired task with UNKNOWN, not 404.
		404: () => [200, { request_id: crypto.randomUUID(), output: { task_status: 'UNKNOWN' } }],
	},
	seedance: {
		503: () => [503, arkErr('ServiceUnavailable', 'The service is temporarily unavailable.')],
		429: () => [429, arkErr('RateLimitExceeded.EndpointRPMExceeded', 'The request rate exceeds the endpoint limit.')],
		400: (why) => [400, arkErr('InvalidParameter', `The parameter is invalid: ${why}`)],
		moderation: () => [400, arkErr('InputTextSensitiveContentDetected', 'The request failed because the input text may contain sensitive information.')],
		404: () => [404, arkErr('ResourceNotFound', 'The specified task is not found.')],
	},
	vidu: {
		503: () => [503, viduErr(503, 'ServiceUnavailable', 'service unavailable, please retry later')],
		429: () => [429, viduErr(429, 'TooManyRequests', 'too many requests')],
		400: (why) => [400, viduErr(400, 'BadRequest', `Invalid request: ${why}`)],
		moderation: () => [400, viduErr(400, 'AuditSubmitIllegal', 'the prompt did not pass the content audit')],
		404: () => [404, viduErr(404, 'TaskNotFound', 'task not found')],
	},
	fal: {
		503: () => [503, { detail: 'Service Unavailable' }],
		429: () => [429, { detail: 'Too many requests' }],
		400: (why) => [422, falDetail(`Invalid request: ${why}`, 'value_error')],
		moderation: () => [422, falDetail('The content could not be processed because it contained material flagged by a content checker.', 'content_policy_violation')],
		404: () => [404, { detail: 'Request not found' }],
	},
	bfl: {
		503: () => [503, { detail: 'Service Unavailable' }],
		429: () => [429, { detail: 'You have exceeded the number of active tasks. Please wait.', retry_after: 1 }],
		400: (why) => [422, { detail: [{ loc: ['body'], msg: why, type: 'value_error' }] }],
		moderation: () => [400, { detail: 'Request Moderated: the prompt was flagged by moderation.' }],
		404: () => [200, { id: 'unknown', status: 'Task not found', result: null }],
	},
	imagen: {
		503: () => [503, googleErr(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')],
		429: () => [429, googleErr(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.')],
		400: (why) => [400, googleErr(400, 'INVALID_ARGUMENT', why)],
		moderation: () => [400, googleErr(400, 'INVALID_ARGUMENT', "The prompt could not be submitted. This prompt contains words that violate Google's Responsible AI practices.")],
		404: () => [404, googleErr(404, 'NOT_FOUND', 'models/x is not found')],
	},
	seedream: {
		503: () => [503, arkErr('ServiceUnavailable', 'The service is temporarily unavailable.')],
		429: () => [429, arkErr('RateLimitExceeded.EndpointIPMExceeded', 'The request rate exceeds the endpoint limit.')],
		400: (why) => [400, arkErr('InvalidParameter', `The parameter is invalid: ${why}`)],
		moderation: () => [400, arkErr('InputTextSensitiveContentDetected', 'The request failed because the input text may contain sensitive information.')],
		404: () => [404, arkErr('ModelNotOpen', 'The model is not activated.')],
	},
	elevenlabs: {
		503: () => [503, elevenErr('service_unavailable', 'The service is temporarily unavailable.')],
		429: () => [429, elevenErr('too_many_concurrent_requests', 'Too many concurrent requests for your plan.')],
		400: (why) => [422, { detail: [{ loc: ['body', 'text'], msg: why, type: 'value_error' }] }],
		moderation: () => [400, elevenErr('content_against_policy', 'The text violates the terms of use policy.')],
		404: () => [404, elevenErr('voice_not_found', 'A voice with that id was not found.')],
	},
	hedra: {
		503: () => [503, { detail: 'Service Unavailable' }],
		429: () => [429, { detail: 'Rate limit exceeded' }],
		400: (why) => [422, { detail: why }],
		moderation: () => [400, { detail: 'The content was blocked by our moderation policy.' }],
		404: () => [404, { detail: 'Generation not found' }],
	},
	heygen: {
		503: () => [503, heygenErr('internal_error', 'Internal server error')],
		429: () => [429, heygenErr('rate_limit_exceeded', 'Rate limit exceeded')],
		400: (why) => [400, heygenErr('invalid_parameter', why)],
		moderation: () => [400, heygenErr('content_moderation', 'The script was flagged by our content moderation policy.')],
		404: () => [404, { code: 40001, message: 'Video not found', data: null }],
	},
	replicate: {
		503: () => [503, { title: 'Service Unavailable', detail: 'The service is temporarily unavailable.', status: 503 }],
		429: () => [429, { title: 'Too Many Requests', detail: 'Request was throttled. Your rate limit resets in ~30s.', status: 429 }],
		400: (why) => [422, { title: 'Input validation failed', detail: `- input: Invalid request: ${why}`, status: 422 }],
		moderation: () => [422, { title: 'Input flagged', detail: 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)', status: 422 }],
		404: () => [404, { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 }],
	},
};

errors.vertex = errors.veo;   // the same Google RPC errors

// ------------------------------------------------------------ validation (the upstreams' rules we rely on)
function validate(provider, family, b) {
	if (!b || typeof b !== 'object' || Array.isArray(b)) return 'body must be a JSON object';
	if (provider === 'luma') {
		if (typeof b.model !== 'string') return 'model is required';
		if (b.duration !== undefined && !['5s', '9s'].includes(b.duration)) return 'duration must be "5s" or "9s"';
		if (b.prompt === undefined && !b.keyframes) return 'prompt or keyframes required';
	} else if (provider === 'runway') {
		if (typeof b.model !== 'string') return 'model: Required';
		if (typeof b.promptImage !== 'string' && !Array.isArray(b.promptImage)) return 'promptImage: Required';
		if (typeof b.ratio !== 'string' || !/^\d+:\d+$/.test(b.ratio)) return 'ratio: Invalid enum value';
		if (b.duration !== undefined && ![5, 10].includes(b.duration)) return 'duration: must be 5 or 10';
	} else if (provider === 'veo' || provider === 'vertex') {
		if (!Array.isArray(b.instances) || b.instances.length !== 1) return 'instances must hold one instance';
		const i = b.instances[0];
		if (typeof i.prompt !== 'string') return 'instances[0].prompt is required';
		const gcs = provider === 'vertex' && typeof i.image?.gcsUri === 'string' && i.image.gcsUri.startsWith('gs://');
		if (i.image !== undefined && ((typeof i.image.bytesBase64Encoded !== 'string' && !gcs) || typeof i.image.mimeType !== 'string'))
			return 'instances[0].image needs bytesBase64Encoded (or gcsUri on Vertex AI) and mimeType';
		if (provider === 'vertex' && b.parameters?.sampleCount !== undefined && ![1, 2, 3, 4].includes(b.parameters.sampleCount))
			return 'sampleCount must be 1 to 4';
		const par = b.parameters ?? {};
		if (par.aspectRatio !== undefined && !['16:9', '9:16'].includes(par.aspectRatio)) return 'aspectRatio must be 16:9 or 9:16';
		if (par.durationSeconds !== undefined && ![4, 6, 8].includes(par.durationSeconds)) return 'durationSeconds must be 4, 6 or 8';
		if (par.resolution !== undefined && !['720p', '1080p'].includes(par.resolution)) return 'resolution must be 720p or 1080p';
	} else if (provider === 'wan') {
		if (typeof b.model !== 'string') return 'Field required: model';
		const i2v = b.model.includes('-i2v-');
		if (!b.input || typeof b.input !== 'object') return 'Field required: input';
		if (i2v && typeof b.input.img_url !== 'string') return 'Field required: input.img_url';
		if (!i2v && typeof b.input.prompt !== 'string') return 'Field required: input.prompt';
		if (!i2v && b.input.img_url !== undefined) return 'img_url is not supported by this model';
		const par = b.parameters ?? {};
		if (par.size !== undefined && (i2v || !/^\d+\*\d+$/.test(par.size))) return 'parameters.size is invalid';
		if (par.resolution !== undefined && (!i2v || !['480P', '720P', '1080P'].includes(par.resolution))) return 'parameters.resolution is invalid';
		if (par.duration !== undefined && par.duration !== 5) return 'parameters.duration must be 5';
	} else if (provider === 'seedance') {
		if (typeof b.model !== 'string') return 'model is required';
		if (!Array.isArray(b.content) || !b.content.length) return 'content is required';
		for (const c of b.content) {
			if (c.type === 'text' && typeof c.text !== 'string') return 'content.text must be a string';
			if (c.type === 'image_url' && (typeof c.image_url?.url !== 'string' || !['first_frame', 'last_frame', 'reference_image'].includes(c.role)))
				return 'content.image_url needs url and role';
			if (!['text', 'image_url'].includes(c.type)) return 'content.type is invalid';
		}
		const img = b.content.some((c) => c.type === 'image_url');
		if (b.model.includes('-lite-i2v') && !img) return 'the i2v model needs an image';
		if (b.model.includes('-lite-t2v') && img) return 'the t2v model takes no image';
		const text = b.content.find((c) => c.type === 'text')?.text ?? '';
		const dur = /--dur (\d+)/.exec(text);
		if (dur && (Number(dur[1]) < 2 || Number(dur[1]) > 12)) return 'duration must be 2 to 12';
		const rs = /--rs (\S+)/.exec(text);
		if (rs && !['480p', '720p', '1080p'].includes(rs[1])) return 'resolution is invalid';
	} else if (provider === 'vidu') {
		if (typeof b.model !== 'string') return 'model is required';
		if (family === 'img2video' && (!Array.isArray(b.images) || b.images.length !== 1)) return 'images must hold one image';
		if (family === 'text2video' && typeof b.prompt !== 'string') return 'prompt is required';
		if (family === 'img2video' && b.aspect_ratio !== undefined) return 'aspect_ratio is not accepted for img2video';
		if (b.duration !== undefined && ![4, 5, 8].includes(b.duration)) return 'duration must be 4, 5 or 8';
		if (b.resolution !== undefined && !['360p', '540p', '720p', '1080p'].includes(b.resolution)) return 'resolution is invalid';
	} else if (provider === 'fal' && /elevenlabs|tts/.test(family)) {
		if (typeof b.text !== 'string') return 'text: field required';
	} else if (provider === 'fal') {
		if (typeof b.prompt !== 'string' && typeof b.image_url !== 'string') return 'prompt: field required';
		if (family.includes('image-to-video') && typeof b.image_url !== 'string') return 'image_url: field required';
		if (family.includes('text-to-video') && b.image_url !== undefined) return 'image_url: extra fields not permitted';
	} else if (provider === 'replicate') {
		if (!b.input || typeof b.input !== 'object') return 'input is required';
		if (typeof b.input.prompt !== 'string') return 'input.prompt: prompt is required';
	} else if (provider === 'bfl') {
		if (typeof b.prompt !== 'string' || !b.prompt) return 'prompt: field required';
		const free = family.includes('ultra') || family.includes('kontext');
		if (free && (b.width !== undefined || b.height !== undefined)) return 'width/height: extra fields not permitted';
		if (!free) {
			for (const k of ['width', 'height'])
				if (!Number.isInteger(b[k]) || b[k] < 256 || b[k] > 1440 || b[k] % 32) return `${k}: must be a multiple of 32 in 256..1440`;
		}
		if (b.aspect_ratio !== undefined && !/^(21:9|16:9|3:2|4:3|1:1|3:4|2:3|9:16|9:21)$/.test(b.aspect_ratio)) return 'aspect_ratio: invalid';
		if (b.raw !== undefined && !family.includes('ultra')) return 'raw: extra fields not permitted';
		if (b.input_image !== undefined && !family.includes('kontext')) return 'input_image: extra fields not permitted';
		if (b.safety_tolerance !== undefined && !(Number.isInteger(b.safety_tolerance) && b.safety_tolerance >= 0 && b.safety_tolerance <= 6)) return 'safety_tolerance: 0..6';
		if (b.output_format !== undefined && !['jpeg', 'png', 'webp'].includes(b.output_format)) return 'output_format: jpeg or png';
	} else if (provider === 'imagen') {
		if (!Array.isArray(b.instances) || b.instances.length !== 1 || typeof b.instances[0].prompt !== 'string') return 'instances[0].prompt is required';
		const par = b.parameters ?? {};
		if (!family.startsWith('projects/'))   // Vertex AI takes them
			for (const k of ['negativePrompt', 'seed', 'addWatermark', 'enhancePrompt'])
				if (par[k] !== undefined) return `${k} parameter is not supported in Gemini API.`;
		if (par.sampleCount !== undefined && !(par.sampleCount >= 1 && par.sampleCount <= 4)) return 'sampleCount must be 1 to 4';
		if (par.aspectRatio !== undefined && !['1:1', '3:4', '4:3', '9:16', '16:9'].includes(par.aspectRatio)) return 'aspectRatio is invalid';
		if (par.sampleImageSize !== undefined && (!['1K', '2K'].includes(par.sampleImageSize) || family.includes('fast'))) return 'sampleImageSize is invalid';
	} else if (provider === 'seedream') {
		if (typeof b.model !== 'string') return 'model is required';
		if (typeof b.prompt !== 'string') return 'prompt is required';
		if (typeof b.size !== 'string' || !/^(1K|2K|4K|\d{3,4}x\d{3,4})$/.test(b.size)) return 'size is invalid';
		if (!['url', 'b64_json', undefined].includes(b.response_format)) return 'response_format is invalid';
		if (b.guidance_scale !== undefined && !b.model.startsWith('seedream-3')) return 'guidance_scale is not supported by this model';
	} else if (provider === 'elevenlabs') {
		if (typeof b.text !== 'string' || !b.text) return 'text: field required';
		if (b.model_id !== undefined && typeof b.model_id !== 'string') return 'model_id: str type expected';
		const vs = b.voice_settings ?? {};
		for (const k of ['stability', 'similarity_boost', 'style'])
			if (vs[k] !== undefined && !(vs[k] >= 0 && vs[k] <= 1)) return `voice_settings.${k}: must be 0..1`;
		if (vs.speed !== undefined && !(vs.speed >= 0.7 && vs.speed <= 1.2)) return 'voice_settings.speed: must be 0.7..1.2';
	} else if (provider === 'hedra') {
		if (b.type !== 'video' || typeof b.ai_model_id !== 'string') return 'type and ai_model_id are required';
		const img = state.assets.get(b.start_keyframe_id), aud = state.assets.get(b.audio_id);
		if (!img || img.type !== 'image' || !img.bytes) return 'start_keyframe_id must name an uploaded image asset';
		if (!aud || aud.type !== 'audio' || !aud.bytes) return 'audio_id must name an uploaded audio asset';
		const gi = b.generated_video_inputs ?? {};
		if (typeof gi.text_prompt !== 'string') return 'generated_video_inputs.text_prompt is required';
		if (gi.resolution !== undefined && !['540p', '720p'].includes(gi.resolution)) return 'resolution must be 540p or 720p';
		if (gi.aspect_ratio !== undefined && !['16:9', '9:16', '1:1'].includes(gi.aspect_ratio)) return 'aspect_ratio is invalid';
	} else if (provider === 'heygen') {
		const v = b.video_inputs?.[0];
		if (!v || typeof v.character?.avatar_id !== 'string') return 'video_inputs[0].character.avatar_id is required';
		if (v.voice?.type === 'text' && (typeof v.voice.input_text !== 'string' || typeof v.voice.voice_id !== 'string'))
			return 'video_inputs[0].voice needs input_text and voice_id';
		if (v.voice?.type === 'audio' && typeof v.voice.audio_url !== 'string') return 'video_inputs[0].voice.audio_url is required';
		if (v.background && !['color', 'image', 'video'].includes(v.background.type)) return 'background.type is invalid';
		if (b.dimension && !(b.dimension.width > 0 && b.dimension.height > 0)) return 'dimension is invalid';
	} else if (provider === 'minimax') {
		if (typeof b.model !== 'string') return 'model is required';
		if (typeof b.prompt !== 'string' && typeof b.first_frame_image !== 'string') return 'prompt is required';
		if (b.model.startsWith('I2V') && typeof b.first_frame_image !== 'string') return 'first_frame_image is required';
		if (b.duration !== undefined && ![6, 10].includes(b.duration)) return 'duration must be 6 or 10';
		if (b.resolution !== undefined && !['512P', '768P', '1080P'].includes(b.resolution)) return 'resolution must be 512P, 768P or 1080P';
		if (b.duration === 10 && b.resolution === '1080P') return '1080P supports 6 s only';
	} else {
		if (typeof b.model_name !== 'string') return 'model_name is required';
		if (family === 'text2video' && typeof b.prompt !== 'string') return 'prompt is required';
		if (family === 'image2video' && typeof b.image !== 'string') return 'image is required';
		if (family === 'image2video' && b.aspect_ratio !== undefined) return 'aspect_ratio is not accepted for image2video';
		if (b.duration !== undefined && !['5', '10'].includes(b.duration)) return 'duration must be the string "5" or "10"';
		if (b.external_task_id !== undefined) {
			for (const t of state.tasks.values())
				if (t.provider === 'kling' && t.externalId === b.external_task_id)
					return 'external_task_id must be unique';
		}
	}
	return null;
}

// ------------------------------------------------------------ task views
function resultUrl(req, task) {
	if (task.provider === 'veo') {
		const mode = ['expired', 'html'].includes(task.script.result) ? task.script.result : 'ok';
		return `${baseUrl(req)}/v1beta/files/${mode}-${task.fileKey}:download?alt=media`;
	}
	const file = task.file ?? opt.resultFile, ext = file.replace(/^.*\./, '');
	const id = String(task.id).replace(/[^A-Za-z0-9_-]/g, '_');
	if (task.script.result === 'expired') return `${baseUrl(req)}/files/expired-${id}.${ext}?token=t0k3n`;
	if (task.script.result === 'html') return `${baseUrl(req)}/files/html-${file}`;
	if (RESULT_MODES.includes(task.script.result)) return `${baseUrl(req)}/files/${task.script.result}-${id}.mp4`;
	return `${baseUrl(req)}/files/${file}?token=t0k3n`;
}
function phase(task) {
	return task.polls >= task.script.pollsUntilDone ? task.script.final : 'running';
}
function lumaView(req, t) {
	const p = phase(t);
	const st = p === 'running' ? (t.script.pollStatus ?? (t.polls === 0 ? 'queued' : 'dreaming'))
		: p === 'succeed' ? 'completed' : 'failed';
	return {
		id: t.id, generation_type: 'video', state: st,
		failure_reason: p === 'failed' ? 'Internal error while rendering'
			: p === 'moderation' ? 'Prompt not allowed because advanced moderation failed' : null,
		created_at: t.created.toISOString(), model: t.body.model,
		assets: p === 'succeed' ? { video: resultUrl(req, t), image: `${baseUrl(req)}/files/thumb.jpg` } : null,
		request: t.body,
	};
}
function runwayView(req, t) {
	const p = phase(t);
	const v = { id: t.id, createdAt: t.created.toISOString() };
	if (p === 'running') {
		v.status = t.script.pollStatus ?? 'RUNNING';
		if (v.status === 'RUNNING') v.progress = Math.min(0.99, (t.polls + 1) / (t.script.pollsUntilDone + 1));
	} else if (p === 'succeed') {
		v.status = 'SUCCEEDED';
		v.output = [resultUrl(req, t)];
	} else if (p === 'cancelled') {
		v.status = 'CANCELLED';
	} else {
		v.status = 'FAILED';
		v.failure = p === 'moderation' ? 'The input was flagged by content moderation.' : 'An unexpected error occurred.';
		v.failureCode = p === 'moderation' ? 'SAFETY.INPUT.TEXT' : 'INTERNAL.BAD_OUTPUT.CODE01';
	}
	return v;
}
function klingData(req, t) {
	const p = phase(t);
	const d = {
		task_id: t.id,
		task_status: p === 'running' ? (t.script.pollStatus ?? (t.polls === 0 ? 'submitted' : 'processing'))
			: p === 'succeed' ? 'succeed' : 'failed',
		task_info: t.externalId ? { external_task_id: t.externalId } : {},
		created_at: t.created.getTime(), updated_at: Date.now(),
	};
	if (p === 'succeed') {
		d.task_result = { videos: [{ id: `v${t.id}`, url: resultUrl(req, t), duration: '5.1' }] };
		d.final_unit_deduction = '2';
	} else if (p === 'failed') {
		d.task_status_msg = 'Video generation failed';
	} else if (p === 'moderation') {
		d.task_status_msg = 'Failure to pass the risk control system';
	}
	return d;
}
function minimaxView(req, t) {
	const p = phase(t);
	const v = { task_id: t.id };
	if (p === 'running') {
		v.status = t.script.pollStatus ?? (t.polls === 0 ? 'Queueing' : 'Processing');
		v.file_id = '';
		v.base_resp = minimaxResp(0, 'success');
	} else if (p === 'succeed') {
		v.status = 'Success';
		v.file_id = t.fileId;
		v.video_width = 320;
		v.video_height = 180;
		v.base_resp = minimaxResp(0, 'success');
	} else {
		v.status = 'Fail';
		v.file_id = '';
		v.base_resp = p === 'moderation' ? minimaxResp(1027, 'output video sensitive')
			: minimaxResp(1000, 'unknown error: video generation failed');
	}
	return v;
}
function minimaxFile(req, res, fileId) {
	const s = state.scripts.minimax;
	if (s.poll === '503') {
		const [st, b] = errors.minimax['503']();
		return send(res, st, b);
	}
	if (s.poll === 'reset') return res.socket.destroy();
	state.stats.results.minimax++;
	const t = [...state.tasks.values()].find((x) => x.provider === 'minimax' && x.fileId === fileId);
	if (!t) return send(res, 200, { base_resp: minimaxResp(2013, 'invalid params, file not found') });
	return send(res, 200, {
		file: { file_id: Number(fileId), bytes: fs.statSync(path.join(opt.media, opt.resultFile)).size,
			created_at: Math.floor(t.created.getTime() / 1000), filename: 'output.mp4',
			purpose: 'video_generation', download_url: resultUrl(req, t) },
		base_resp: minimaxResp(0, 'success'),
	});
}
function veoView(req, t) {
	const p = phase(t);
	const v = { name: t.id };
	if (p === 'running') {
		if (t.polls > 1) v.done = false;
		v.metadata = { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningMetadata' };
		return v;
	}
	v.done = true;
	const r = { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse' };
	if (p === 'succeed') {
		r.generateVideoResponse = { generatedSamples: [{ video: { uri: resultUrl(req, t) } }] };
		v.response = r;
	} else if (p === 'moderation') {
		r.generateVideoResponse = { raiMediaFilteredCount: 1,
			raiMediaFilteredReasons: ['Unable to show generated videos. They may violate our policies.'] };
		v.response = r;
	} else {
		v.error = { code: 13, message: 'Video generation failed due to an internal error.', status: 'INTERNAL' };
	}
	return v;
}
function veoFile(req, res, mode, key) {
	if (mode === 'expired' || ![...state.tasks.values()].some((t) => t.fileKey === key))
		return send(res, 403, googleErr(403, 'PERMISSION_DENIED', 'You do not have permission to access the File or it may not exist.'));
	// Google answers with a redirect to a signed storage URL on another host.
	const loc = `http://localhost:${server.address().port}/blob/${mode}-${key}.mp4?Expires=1&Signature=t0k3n`;
	res.writeHead(302, { location: loc, 'content-length': 0 });
	res.end();
}
// The redirect target: signed, so it needs no key, and must never see one.
function veoBlob(req, res, mode) {
	if (req.headers['x-goog-api-key'] !== undefined)
		return send(res, 400, { error: 'fake: the API key followed a redirect to another host' });
	const file = path.join(opt.media, opt.resultFile);
	res.writeHead(200, { 'content-type': mode === 'html' ? 'text/html' : 'video/mp4', 'content-length': fs.statSync(file).size });
	fs.createReadStream(file).pipe(res);
}

// ------------------------------------------------------------ Vertex AI
function vertexKeyFile(req) {
	return {
		type: 'service_account', project_id: VERTEX_PROJECT, private_key_id: 'fake-key-1',
		private_key: vertexKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
		client_email: VERTEX_EMAIL, client_id: '100000000000000000001',
		auth_uri: 'https://accounts.google.com/o/oauth2/auth', token_uri: `${baseUrl(req)}/token`,
	};
}
// POST /token: the jwt-bearer grant, checked as Google does.
function vertexToken(req, res, raw) {
	const s = state.stats;
	s.tokens++;
	const script = state.scripts.vertex;
	const bad = (d) => send(res, 400, { error: 'invalid_grant', error_description: d });
	if (script.token === '503') return send(res, 503, { error: 'internal_failure', error_description: 'Backend Error' });
	if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''))
		return send(res, 400, { error: 'invalid_request', error_description: 'Bad Request' });
	const form = new URLSearchParams(raw);
	if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
		return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + form.get('grant_type') });
	const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(form.get('assertion') ?? '');
	if (!m) return bad('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
	const ok = crypto.verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), vertexKey.publicKey, Buffer.from(m[3], 'base64url'));
	if (!ok || script.token === 'invalid') return bad('Invalid JWT Signature.');
	let head, claims;
	try {
		head = JSON.parse(Buffer.from(m[1], 'base64url').toString());
		claims = JSON.parse(Buffer.from(m[2], 'base64url').toString());
	} catch {
		return bad('Invalid JWT: not JSON');
	}
	const now = Math.floor(Date.now() / 1000);
	if (head.alg !== 'RS256') return bad('Invalid JWT: alg must be RS256');
	if (claims.iss !== VERTEX_EMAIL) return bad('Invalid JWT: iss is not a known service account');
	if (claims.aud !== `${baseUrl(req)}/token`) return bad('Invalid JWT: aud must be the token URI');
	if (!String(claims.scope ?? '').split(' ').includes('https://www.googleapis.com/auth/cloud-platform'))
		return send(res, 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
	if (!(claims.iat <= now + 60) || !(claims.exp > now) || claims.exp - claims.iat > 3600)
		return bad('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
	const token = `ya29.c.fake-${crypto.randomBytes(12).toString('hex')}`;
	vertexTokens.set(token, Date.now() + script.tokenTtl * 1000);
	return send(res, 200, { access_token: token, expires_in: script.tokenTtl, token_type: 'Bearer' });
}
function vertexView(req, t) {
	const p = phase(t);
	const v = { name: t.id };
	if (p === 'running') {
		v.metadata = { '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.GenericOperationMetadata' };
		if (t.polls > 1) v.done = false;
		return v;
	}
	v.done = true;
	const r = { '@type': 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse' };
	if (p === 'succeed') {
		const file = path.join(opt.media, opt.resultFile);
		const op = t.id.split('/').pop();
		// gcs: the video in a bucket (an output storageUri); expired: an
		// object the storage refuses; html: inline bytes of another type.
		r.videos = [t.script.result === 'gcs' ? { gcsUri: `gs://fake-bucket/${op}/sample_0.mp4`, mimeType: 'video/mp4' }
			: t.script.result === 'expired' ? { gcsUri: `gs://fake-bucket/expired-${op}/sample_0.mp4`, mimeType: 'video/mp4' }
			: t.script.result === 'html' ? { bytesBase64Encoded: Buffer.from('<html>not a video</html>').toString('base64'), mimeType: 'text/html' }
			: { bytesBase64Encoded: fs.readFileSync(file).toString('base64'), mimeType: 'video/mp4' }];
		v.response = r;
	} else if (p === 'moderation') {
		r.raiMediaFilteredCount = 1;
		r.raiMediaFilteredReasons = ['Veo could not generate videos because the input image violates Vertex AI\'s usage guidelines.'];
		v.response = r;
	} else {
		v.error = { code: 13, message: 'Video generation failed due to an internal error.', status: 'INTERNAL' };
	}
	return v;
}
function storage(req, res, bucket, object) {
	const denied = authVertex(req);
	if (denied) return send(res, denied[0], denied[1]);
	if (object.startsWith('expired-')) {
		res.writeHead(403, { 'content-type': 'application/xml' });
		return res.end('<Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>');
	}
	if (bucket !== 'fake-bucket' || !/^[a-z0-9-]+\/sample_0\.mp4$/.test(object) ||
	    ![...state.tasks.values()].some((t) => t.provider === 'vertex' && t.id.endsWith(`/${object.split('/')[0]}`))) {
		res.writeHead(404, { 'content-type': 'application/xml' });
		return res.end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
	}
	const file = path.join(opt.media, opt.resultFile);
	res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': fs.statSync(file).size });
	fs.createReadStream(file).pipe(res);
}
function wanView(req, t) {
	const p = phase(t);
	const o = { task_id: t.id, submit_time: t.created.toISOString().replace('T', ' ').slice(0, 23) };
	const v = { request_id: crypto.randomUUID(), output: o };
	if (p === 'running') {
		o.task_status = t.script.pollStatus ?? (t.polls === 0 ? 'PENDING' : 'RUNNING');
	} else if (p === 'succeed') {
		o.task_status = 'SUCCEEDED';
		o.video_url = resultUrl(req, t);
		o.orig_prompt = t.body.input?.prompt;
		v.usage = { video_duration: 5, video_ratio: t.body.parameters?.size ?? t.body.parameters?.resolution, video_count: 1 };
	} else if (p === 'expired') {
		return { request_id: v.request_id, output: { task_id: t.id, task_status: 'UNKNOWN' } };
	} else if (p === 'cancelled') {
		o.task_status = 'CANCELED';
	} else {
		o.task_status = 'FAILED';
		o.code = p === 'moderation' ? 'DataInspectionFailed' : 'InternalError';
		o.message = p === 'moderation' ? 'Output data may contain inappropriate content.' : 'An internal error has occured during execution.';
	}
	return v;
}
function seedanceView(req, t) {
	const p = phase(t);
	const now = Math.floor(Date.now() / 1000);
	const v = { id: t.id, model: t.body.model, error: null, created_at: Math.floor(t.created.getTime() / 1000), updated_at: now };
	if (p === 'running') {
		v.status = t.script.pollStatus ?? (t.polls === 0 ? 'queued' : 'running');
	} else if (p === 'succeed') {
		v.status = 'succeeded';
		v.content = { video_url: resultUrl(req, t) };
		v.seed = 42; v.resolution = '720p'; v.ratio = '16:9'; v.duration = 5; v.framespersecond = 24;
		v.usage = { completion_tokens: 108900, total_tokens: 108900 };
	} else if (p === 'cancelled') {
		v.status = 'cancelled';
	} else {
		v.status = 'failed';
		v.error = p === 'moderation'
			? { code: 'OutputVideoSensitiveContentDetected', message: 'The generated video may contain sensitive information.' }
			: { code: 'InternalServiceError', message: 'The service encountered an unexpected internal error.' };
	}
	return v;
}
function viduView(req, t) {
	const p = phase(t);
	const v = { id: t.id, err_code: '', credits: 4, creations: [] };
	if (p === 'running') {
		v.state = t.script.pollStatus ?? (t.polls === 0 ? 'queueing' : 'processing');
	} else if (p === 'succeed') {
		v.state = 'success';
		v.creations = [{ id: `c${t.id}`, url: resultUrl(req, t), cover_url: `${baseUrl(req)}/files/cover.jpg` }];
	} else {
		v.state = 'failed';
		v.err_code = p === 'moderation' ? 'AuditFailed' : p === 'cancelled' ? 'TaskCanceled' : 'InternalError';
	}
	return v;
}
// fal: the app's owner/app prefix (the queue URLs drop the model's sub-path).
const falApp = (model) => model.split('/').slice(0, 2).join('/');
function falUrls(req, t) {
	const u = `${baseUrl(req)}/${falApp(t.family)}/requests/${t.id}`;
	return { response_url: u, status_url: `${u}/status`, cancel_url: `${u}/cancel` };
}
function falStatus(req, t) {
	const p = phase(t);
	if (p === 'running') {
		const st = t.script.pollStatus ?? (t.polls === 0 ? 'IN_QUEUE' : 'IN_PROGRESS');
		return { __status: 202, status: st, request_id: t.id, ...falUrls(req, t),
			...(st === 'IN_QUEUE' ? { queue_position: 0 } : { logs: null }) };
	}
	const v = { status: 'COMPLETED', request_id: t.id, ...falUrls(req, t), logs: null, metrics: { inference_time: 1.5 } };
	if (p === 'failed') {
		v.error = 'Runner disconnected while processing the request';
		v.error_type = 'runner_disconnected';
	}
	return v;
}
function falResult(req, res, id) {
	const s = state.scripts.fal;
	if (s.poll === '503') {
		const [st, b] = errors.fal['503']();
		return send(res, st, b);
	}
	if (s.poll === 'reset') return res.socket.destroy();
	state.stats.results.fal++;
	const t = state.tasks.get(`fal:${id}`);
	if (!t) return send(res, 404, { detail: 'Request not found' });
	const p = phase(t);
	if (p === 'running') return send(res, 400, { detail: 'Request is still in progress' });
	if (p === 'moderation')
		return send(res, 422, falDetail('The content could not be processed because it contained material flagged by a content checker.', 'content_policy_violation'),
			{ 'x-fal-error-type': 'content_policy_violation' });
	if (p === 'failed') return send(res, 500, { detail: 'Runner disconnected' }, { 'x-fal-error-type': 'runner_disconnected' });
	const f = { url: resultUrl(req, t), content_type: TYPES[t.file.replace(/^.*\./, '')], file_name: t.file,
		file_size: fs.statSync(mediaFile(t.file)).size };
	if (f.content_type.startsWith('image/')) return send(res, 200, { images: [{ ...f, width: 256, height: 144 }], seed: 42 });
	if (f.content_type.startsWith('audio/')) return send(res, 200, { audio: f });
	return send(res, 200, { video: f, seed: 42 });
}
function replicateView(req, t) {
	const p = phase(t);
	const u = `${baseUrl(req)}/v1/predictions/${t.id}`;
	const v = { id: t.id, model: t.family, version: 'hidden', input: t.body.input, logs: '', output: null, error: null,
		data_removed: false, created_at: t.created.toISOString(),
		urls: { get: u, cancel: `${u}/cancel`, stream: `${baseUrl(req)}/stream/${t.id}`, web: `https://replicate.com/p/${t.id}` } };
	if (p === 'running') {
		v.status = t.script.pollStatus ?? (t.polls === 0 ? 'starting' : 'processing');
	} else if (p === 'succeed') {
		v.status = 'succeeded';
		// Models differ: a URL, or a list of URLs.
		v.output = t.body.input?.output_list ? [resultUrl(req, t)] : resultUrl(req, t);
		v.metrics = { predict_time: 1.5, total_time: 2 };
		v.completed_at = new Date().toISOString();
	} else if (p === 'cancelled') {
		v.status = 'canceled';
	} else {
		v.status = 'failed';
		v.error = p === 'moderation' ? 'NSFW content detected. Try running it again, or try a different prompt.'
			: 'Prediction failed: CUDA out of memory';
	}
	return v;
}
function bflView(req, t) {
	const p = phase(t);
	const v = { id: t.id, status: 'Pending', result: null, progress: null, details: null };
	if (p === 'running') {
		v.status = t.script.pollStatus ?? 'Pending';
		v.progress = Math.min(0.99, (t.polls + 1) / (t.script.pollsUntilDone + 1));
	} else if (p === 'succeed') {
		v.status = 'Ready';
		v.result = { sample: resultUrl(req, t), prompt: t.body.prompt, seed: t.body.seed ?? 1234, start_time: 1, end_time: 2, duration: 1 };
	} else if (p === 'moderation') {
		v.status = 'Content Moderated';
		v.details = { 'Moderation Reasons': ['Derivative Works Filter'] };
	} else {
		v.status = 'Error';
		v.details = { error: 'Generation failed' };
	}
	return v;
}
function hedraView(req, t) {
	const p = phase(t);
	const v = { id: t.id, asset_id: null, url: null, download_url: null, error_message: null };
	if (p === 'running') v.status = t.script.pollStatus ?? (t.polls === 0 ? 'queued' : 'processing');
	else if (p === 'succeed') {
		v.status = 'complete';
		v.url = resultUrl(req, t);
		v.download_url = v.url;
		v.asset_id = crypto.randomUUID();
	} else {
		v.status = 'error';
		v.error_message = p === 'moderation' ? 'The content was blocked by our moderation policy.' : 'Generation failed';
	}
	return v;
}
// Hedra's asset steps: create, then a multipart upload of the bytes.
function hedraAsset(req, res, body, raw, id) {
	if (!id) {
		if (!['image', 'audio'].includes(body?.type) || typeof body?.name !== 'string') {
			const [st, b] = errors.hedra[400]('name and type (image|audio) are required');
			return send(res, st, b);
		}
		const a = { id: crypto.randomUUID(), name: body.name, type: body.type, bytes: 0 };
		state.assets.set(a.id, a);
		return send(res, 200, { id: a.id, name: a.name, type: a.type });
	}
	const a = state.assets.get(id);
	if (!a) return send(res, 404, { detail: 'Asset not found' });
	const m = /^multipart\/form-data; boundary=(\S+)$/.exec(req.headers['content-type'] ?? '');
	const head = raw.indexOf('\r\n\r\n');
	const disp = raw.subarray(0, Math.max(0, head)).toString();
	const data = head >= 0 ? raw.subarray(head + 4, raw.length - (`\r\n--${m?.[1]}--\r\n`.length)) : Buffer.alloc(0);
	const magic = a.type === 'image' ? [[0x89, 0x50], [0xff, 0xd8]] : [[0x49, 0x44], [0xff, 0xf3], [0xff, 0xfb], [0x52, 0x49]];
	if (!m || !raw.subarray(0, m[1].length + 2).equals(Buffer.from(`--${m[1]}`)) || !/name="file"/.test(disp) ||
	    !magic.some(([x, y]) => data[0] === x && data[1] === y)) {
		const [st, b] = errors.hedra[400](`the upload is not a multipart "file" holding ${a.type === 'image' ? 'an image' : 'audio'}`);
		return send(res, st, b);
	}
	a.bytes = data.length;
	state.stats.uploads = (state.stats.uploads ?? 0) + 1;
	return send(res, 200, { id: a.id, name: a.name, type: a.type, asset: { size: a.bytes } });
}
function heygenView(req, t) {
	const p = phase(t);
	const d = { id: t.id, callback_id: t.body.callback_id ?? null, created_at: Math.floor(t.created.getTime() / 1000),
		video_url: null, thumbnail_url: null, duration: null, error: null };
	if (p === 'running') d.status = t.script.pollStatus ?? (t.polls === 0 ? 'pending' : 'processing');
	else if (p === 'succeed') {
		d.status = 'completed';
		d.video_url = resultUrl(req, t);
		d.duration = 2;
	} else {
		d.status = 'failed';
		d.error = p === 'moderation' ? { code: 'MOVIO_CONTENT_MODERATION', message: 'The content was rejected by moderation.', detail: '' }
			: { code: 'MOVIO_RENDER_FAILED', message: 'Video rendering failed', detail: '' };
	}
	return { code: 100, message: 'Success', data: d };
}
// The answer of a synchronous upstream: the result itself.
function syncAnswer(provider, req, res, t) {
	const final = t.script.final;
	const file = mediaFile(t.file);
	if (final === 'failed') {
		const [st, b] = errors[provider]['503']();
		return send(res, st === 503 ? 500 : st, b);
	}
	if (provider === 'elevenlabs') {
		if (final === 'moderation') {
			const [st, b] = errors.elevenlabs.moderation();
			return send(res, st, b);
		}
		const bytes = final === 'malformed' ? Buffer.from('<html>not audio</html>') : fs.readFileSync(file);
		res.writeHead(200, { 'content-type': t.script.result === 'html' ? 'text/html' : 'audio/mpeg',
			'content-length': bytes.length, 'request-id': crypto.randomUUID(), 'x-character-count': String(t.body.text.length) });
		return res.end(bytes);
	}
	if (provider === 'imagen') {
		if (final === 'moderation')
			return send(res, 200, { predictions: [{ raiFilteredReason: 'Your current safety filter threshold filtered out the generated image.' }] });
		const b64 = final === 'malformed' ? '!!not base64!!' : fs.readFileSync(file).toString('base64');
		return send(res, 200, { predictions: [{ bytesBase64Encoded: b64, mimeType: 'image/png' }],
			positivePromptSafetyAttributes: { categories: [], scores: [] } });
	}
	// seedream
	if (final === 'moderation')
		return send(res, 400, arkErr('OutputImageSensitiveContentDetected', 'The generated image may contain sensitive information.'));
	if (final === 'malformed') return send(res, 200, { model: t.body.model, created: 1, data: [] });
	const item = t.body.response_format === 'b64_json' || t.script.result === 'b64'
		? { b64_json: fs.readFileSync(file).toString('base64'), size: t.body.size }
		: { url: resultUrl(req, t), size: t.body.size };
	return send(res, 200, { model: t.body.model, created: Math.floor(Date.now() / 1000), data: [item],
		usage: { generated_images: 1, output_tokens: 4096, total_tokens: 4096 } });
}
const klingOk = (data) => ({ code: 0, message: 'SUCCEED', request_id: crypto.randomUUID(), data });

// ------------------------------------------------------------ handlers
function submit(provider, family, req, res, body) {
	const s = state.stats;
	s.submissions[provider]++;
	const ext = provider === 'kling' ? body?.external_task_id : undefined;
	if (ext) s.byExternalId[ext] = (s.byExternalId[ext] ?? 0) + 1;
	const prompt = body?.prompt ?? body?.promptText ?? body?.input?.prompt ?? body?.text ??
		body?.instances?.[0]?.prompt ?? body?.video_inputs?.[0]?.voice?.input_text ??
		body?.content?.find?.((c) => c.type === 'text')?.text;
	if (typeof prompt === 'string') s.byPrompt[prompt] = (s.byPrompt[prompt] ?? 0) + 1;
	const script = { ...state.scripts[provider] };
	switch (script.submit) {
	case 'ok':
	case 'timeout-after-accept':
		break;
	case '503':
	case '429':
	case '400':
	case 'moderation': {
		const [st, b] = errors[provider][script.submit]('scripted refusal');
		return send(res, st, b, st === 429 ? { 'retry-after': String(script.retryAfter) } : {});
	}
	case 'hang':
		return hold(req, res);
	case 'reset':
		return res.socket.destroy();
	case 'malformed':
		return malformed(res);
	default:
		return send(res, 500, { error: `fake: unknown submit mode ${script.submit}` });
	}
	const why = validate(provider, family, body);
	if (why) {
		const [st, b] = errors[provider][400](why);
		return send(res, st, b);
	}
	const t = { provider, family, id: newId(provider), externalId: ext, body, script, polls: 0,
		created: new Date() };
	t.file = resultFileOf(provider, family, body);
	if (provider === 'bfl') t.id = crypto.randomUUID();
	if (provider === 'minimax') t.fileId = String(300000000000 + state.seq);
	if (provider === 'seedance') t.id = `cgt-2025${String(state.seq).padStart(6, '0')}-${crypto.randomBytes(3).toString('hex')}`;
	if (provider === 'vidu') t.id = String(880000000000 + state.seq);
	if (provider === 'replicate') t.id = crypto.randomBytes(13).toString('hex').slice(0, 26);
	if (provider === 'vertex')
		t.id = `${family}/operations/${crypto.randomUUID()}`;
	if (provider === 'veo') {
		t.id = `models/${family}/operations/${crypto.randomBytes(6).toString('hex')}`;
		t.fileKey = crypto.randomBytes(6).toString('hex');
	}
	state.tasks.set(`${provider}:${t.id}`, t);
	if (provider === 'veo' || provider === 'vertex') { s.accepted[provider]++; if (script.submit === 'timeout-after-accept') return hold(req, res); return send(res, 200, { name: t.id }); }
	if (provider === 'kling') state.order.unshift(t);
	s.accepted[provider]++;
	if (script.submit === 'timeout-after-accept') return hold(req, res);
	if (SYNC.includes(provider)) return syncAnswer(provider, req, res, t);
	if (provider === 'bfl') return send(res, 200, { id: t.id, polling_url: `${baseUrl(req)}/v1/get_result?id=${t.id}`, cost: 4, input_mp: 0, output_mp: 1 });
	if (provider === 'heygen') return send(res, 200, { error: null, data: { video_id: t.id } });
	if (provider === 'hedra') return send(res, 200, { id: t.id, asset_id: null, status: 'queued' });
	if (provider === 'luma') return send(res, 201, lumaView(req, t));
	if (provider === 'runway') return send(res, 200, { id: t.id });
	if (provider === 'minimax') return send(res, 200, { task_id: t.id, base_resp: minimaxResp(0, 'success') });
	if (provider === 'wan') return send(res, 200, { request_id: crypto.randomUUID(), output: { task_id: t.id, task_status: 'PENDING' } });
	if (provider === 'seedance') return send(res, 200, { id: t.id });
	if (provider === 'vidu') return send(res, 200, { task_id: t.id, state: 'created', model: body.model, prompt: body.prompt ?? '',
		images: body.images ?? [], duration: body.duration ?? 4, seed: body.seed ?? 0, resolution: body.resolution ?? '720p',
		movement_amplitude: body.movement_amplitude ?? 'auto', credits: 4, created_at: t.created.toISOString() });
	if (provider === 'fal') return send(res, 200, { status: 'IN_QUEUE', request_id: t.id, ...falUrls(req, t), queue_position: 0 });
	if (provider === 'replicate') return send(res, 201, { ...replicateView(req, t), status: 'starting' });
	return send(res, 200, klingOk({ task_id: t.id, task_status: 'submitted',
		task_info: ext ? { external_task_id: ext } : {}, created_at: t.created.getTime(),
		updated_at: t.created.getTime() }));
}

function task(provider, id, req, res, view) {
	const t = state.tasks.get(`${provider}:${id}`);
	if (!t) {
		const [st, b] = errors[provider][404]();
		return send(res, st, b);
	}
	if (req.method === 'DELETE' || req.cancel) {
		state.stats.cancels[provider]++;
		if (provider === 'luma') state.tasks.delete(`${provider}:${id}`);
		else t.script = { ...t.script, final: 'cancelled', pollsUntilDone: 0 };
		if (provider === 'fal') return send(res, 202, { status: 'CANCELLATION_REQUESTED' });
		if (provider === 'replicate') return send(res, 200, replicateView(req, t));
		if (provider === 'vidu') return send(res, 200, {});
		res.writeHead(provider === 'seedance' ? 200 : 204);
		return res.end();
	}
	// The provider's current script (not the task's): a test can break polls
	// of tasks already accepted.
	switch (state.scripts[provider].poll) {
	case '503': {
		const [st, b] = errors[provider]['503']('scripted poll failure');
		return send(res, st, b);
	}
	case 'reset':
		return res.socket.destroy();
	case 'malformed':
		return malformed(res);
	}
	state.stats.polls[provider]++;
	t.polls++;
	const v = view(req, t);
	const st = v.__status ?? 200;
	delete v.__status;
	return send(res, st, v);
}

// Results served by /files/<mode>-<task>.mp4 (see the control API).
const RESULT_MODES = ['html', 'huge-declared', 'huge', 'slow']; // longest prefix first
const HUGE_BYTES = 2 ** 31 + 2 ** 20;

function malformed(res) {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end('{"id": "task-1", "state": "compl');
}

// Streams `total` bytes from one reused buffer, respecting back-pressure,
// until done or the client hangs up.
function streamHuge(req, res, total) {
	const chunk = Buffer.alloc(1 << 20);
	let sent = 0;
	const pump = () => {
		while (sent < total && !res.destroyed) {
			const n = Math.min(chunk.length, total - sent);
			sent += n;
			state.stats.resultBytes += n;
			if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
		}
		if (!res.destroyed) res.end();
	};
	res.on('close', () => { sent = total; });
	pump();
}

function slowFile(res, file, ms) {
	const data = fs.readFileSync(file);
	res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': data.length });
	const pieces = 20;
	let i = 0;
	const step = () => {
		if (res.destroyed) return;
		const from = Math.floor((data.length * i) / pieces), to = Math.floor((data.length * (i + 1)) / pieces);
		res.write(data.subarray(from, to));
		state.stats.resultBytes += to - from;
		if (++i < pieces) setTimeout(step, ms / pieces);
		else res.end();
	};
	step();
}

function files(req, res, name) {
	const mode = RESULT_MODES.find((m) => name.startsWith(`${m}-`));
	if (mode === 'huge' || mode === 'huge-declared') {
		res.writeHead(200, { 'content-type': 'video/mp4',
			...(mode === 'huge-declared' ? { 'content-length': String(2 ** 31 + 1) } : {}) });
		return streamHuge(req, res, mode === 'huge' ? HUGE_BYTES : 2 ** 31 + 1);
	}
	if (mode === 'slow') return slowFile(res, path.join(opt.media, opt.resultFile), state.slowMs ?? 8000);
	if (name.startsWith('expired-')) {
		res.writeHead(403, { 'content-type': 'application/xml' });
		return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
	}
	const html = name.startsWith('html-');
	const m = /^[A-Za-z0-9._-]+\.(mp4|png|jpg|mp3)$/.exec(name);
	const file = m ? mediaFile(html ? name.slice(5) : name) : null;
	if (!file) {
		res.writeHead(404, { 'content-type': 'text/plain' });
		return res.end('not found');
	}
	const size = fs.statSync(file).size;
	res.writeHead(200, { 'content-type': html ? 'text/html' : TYPES[m[1]], 'content-length': size });
	fs.createReadStream(file).pipe(res);
}

function control(req, res, url, body) {
	if (req.method === 'POST' && url.pathname === '/_fake/reset') {
		reset();
		return send(res, 200, { ok: true });
	}
	if (req.method === 'GET' && url.pathname === '/_fake/vertex-key')
		return send(res, 200, vertexKeyFile(req));
	if (req.method === 'GET' && url.pathname === '/_fake/stats')
		return send(res, 200, { ...state.stats, tasks: state.tasks.size });
	if (req.method === 'POST' && url.pathname === '/_fake/script') {
		const which = body?.provider === 'all' ? PROVIDERS : [body?.provider];
		if (!which.every((p) => PROVIDERS.includes(p)))
			return send(res, 400, { error: `provider must be one of ${PROVIDERS.join(', ')} or all` });
		const patch = {};
		for (const k of ['submit', 'poll', 'pollsUntilDone', 'final', 'pollStatus', 'result', 'retryAfter', 'token', 'tokenTtl'])
			if (body[k] !== undefined) patch[k] = body[k];
		for (const p of which) state.scripts[p] = { ...state.scripts[p], ...patch };
		if (body.slowMs !== undefined) state.slowMs = Number(body.slowMs);
		return send(res, 200, Object.fromEntries(which.map((p) => [p, state.scripts[p]])));
	}
	return send(res, 404, { error: 'unknown control route' });
}

function route(req, res, body, raw) {
	const url = new URL(req.url, 'http://fake');
	const p = url.pathname;
	let m;
	if (p.startsWith('/_fake/')) return control(req, res, url, body);
	if (req.method === 'GET' && (m = /^\/files\/([^/]+)$/.exec(p))) return files(req, res, m[1]);
	if (req.method === 'GET' && (m = /^\/blob\/(ok|html)-[a-f0-9]+\.mp4$/.exec(p))) {
		record('veo', req, null);
		return veoBlob(req, res, m[1]);
	}
	if (req.method === 'POST' && p === '/token') {
		record('vertex', req, null);
		return vertexToken(req, res, raw);
	}
	if (req.method === 'GET' && (m = /^\/storage\/([a-z0-9._-]+)\/(.+)$/.exec(p))) {
		record('vertex', req, null);
		return storage(req, res, m[1], decodeURIComponent(m[2]));
	}

	let provider = null;
	if (/^\/v1\/flux-[a-z0-9.-]+$/.test(p) || p === '/v1/get_result') provider = 'bfl';
	else if (/^\/v1beta\/models\/[^/]+:predict$/.test(p)) provider = 'imagen';
	else if (p === '/api/v3/images/generations') provider = 'seedream';
	else if (p.startsWith('/v1/text-to-speech/')) provider = 'elevenlabs';
	else if (p === '/v2/video/generate' || p === '/v1/video_status.get') provider = 'heygen';
	else if (p.startsWith('/web-app/public/')) provider = 'hedra';
	else if (p.startsWith('/dream-machine/v1/')) provider = 'luma';
	else if (p === '/v1/image_to_video' || p === '/v1/text_to_video' || p.startsWith('/v1/tasks/')) provider = 'runway';
	else if (p.startsWith('/v1/videos/')) provider = 'kling';
	else if (p.startsWith('/api/v1/')) provider = 'wan';
	else if (p.startsWith('/api/v3/')) provider = 'seedance';
	else if (p.startsWith('/ent/v2/')) provider = 'vidu';
	else if (p.startsWith('/fal-ai/')) provider = 'fal';
	else if (p.startsWith('/v1/models/') || p.startsWith('/v1/predictions')) provider = 'replicate';
	else if (p.startsWith('/v1beta/')) provider = 'veo';
	else if (p.startsWith('/vertex/v1/')) provider = 'vertex';
	else if (p === '/v1/video_generation' || p === '/v1/query/video_generation' || p === '/v1/files/retrieve') provider = 'minimax';
	if (!provider) return send(res, 404, { error: 'no such route' });
	record(provider, req, body);
	const auth = { luma: authLuma, runway: authRunway, kling: authKling, minimax: authMinimax, wan: authWan, veo: authVeo, vertex: authVertex,
		seedance: authSeedance, vidu: authVidu, fal: authFal, replicate: authReplicate, bfl: authBfl, imagen: authImagen,
		seedream: authSeedream, elevenlabs: authElevenlabs, heygen: authHeygen, hedra: authHedra };
	const denied = auth[provider](req);
	if (denied) {
		state.stats.unauthorized[provider]++;
		return send(res, denied[0], denied[1]);
	}
	if (provider === 'hedra' && req.method === 'POST' && (m = /^\/web-app\/public\/assets\/([^/]+)\/upload$/.exec(p)))
		return hedraAsset(req, res, null, req.rawBody, m[1]);
	if (body === undefined && req.method === 'POST') {
		const [st, b] = errors[provider][400]('body is not valid JSON');
		return send(res, st, b);
	}
	if (provider === 'bfl') {
		if (req.method === 'POST' && p !== '/v1/get_result') return submit('bfl', p.slice(4), req, res, body);
		if (req.method === 'GET' && p === '/v1/get_result') {
			const id = url.searchParams.get('id') ?? '';
			if (!state.tasks.has(`bfl:${id}`)) return send(res, 200, { id, status: 'Task not found', result: null });
			return task('bfl', id, req, res, bflView);
		}
	} else if (provider === 'imagen') {
		if (req.method === 'POST') return submit('imagen', /models\/([^/]+):predict/.exec(p)[1], req, res, body);
	} else if (provider === 'seedream') {
		if (req.method === 'POST') return submit('seedream', 'image', req, res, body);
	} else if (provider === 'elevenlabs') {
		if (req.method === 'POST' && (m = /^\/v1\/text-to-speech\/([A-Za-z0-9]{20})$/.exec(p))) {
			const fmt = url.searchParams.get('output_format') ?? 'mp3_44100_128';
			if (!/^(mp3_(22050_32|44100_(32|64|96|128|192))|pcm_(8000|16000|22050|24000|44100|48000)|ulaw_8000|alaw_8000|opus_48000_(32|64|96|128|192))$/.test(fmt)) {
				const [st, b] = errors.elevenlabs[400]('output_format is invalid');
				return send(res, st, b);
			}
			return submit('elevenlabs', m[1], req, res, body);
		}
		if (req.method === 'POST') {
			const [st, b] = errors.elevenlabs[404]();
			return send(res, st, b);
		}
	} else if (provider === 'hedra') {
		if (req.method === 'POST' && p === '/web-app/public/assets') return hedraAsset(req, res, body, null, null);
		if (req.method === 'POST' && p === '/web-app/public/generations') return submit('hedra', 'video', req, res, body);
		if (req.method === 'GET' && (m = /^\/web-app\/public\/generations\/([^/]+)\/status$/.exec(p)))
			return task('hedra', m[1], req, res, hedraView);
	} else if (provider === 'heygen') {
		if (req.method === 'POST' && p === '/v2/video/generate') return submit('heygen', 'avatar', req, res, body);
		if (req.method === 'GET' && p === '/v1/video_status.get') return task('heygen', url.searchParams.get('video_id') ?? '', req, res, heygenView);
	} else if (provider === 'luma') {
		if (req.method === 'POST' && (p === '/dream-machine/v1/generations/video' || p === '/dream-machine/v1/generations'))
			return submit('luma', 'video', req, res, body);
		if ((m = /^\/dream-machine\/v1\/generations\/([^/]+)$/.exec(p)) && ['GET', 'DELETE'].includes(req.method))
			return task('luma', m[1], req, res, lumaView);
	} else if (provider === 'runway') {
		if (req.method === 'POST' && p === '/v1/image_to_video') return submit('runway', 'i2v', req, res, body);
		if ((m = /^\/v1\/tasks\/([^/]+)$/.exec(p)) && ['GET', 'DELETE'].includes(req.method))
			return task('runway', m[1], req, res, runwayView);
	} else if (provider === 'veo') {
		if (req.method === 'POST' && (m = /^\/v1beta\/models\/([a-z0-9.-]+):predictLongRunning$/.exec(p)))
			return submit('veo', m[1], req, res, body);
		if (req.method === 'GET' && (m = /^\/v1beta\/(models\/[a-z0-9.-]+\/operations\/[a-z0-9]+)$/.exec(p)))
			return task('veo', m[1], req, res, veoView);
		if (req.method === 'GET' && (m = /^\/v1beta\/files\/(ok|expired|html)-([a-f0-9]+):download$/.exec(p)) &&
		    url.searchParams.get('alt') === 'media')
			return veoFile(req, res, m[1], m[2]);
	} else if (provider === 'vertex') {
		const base = '^/vertex/v1/(projects/[a-z0-9-]+/locations/[a-z0-9-]+/publishers/google/models/[a-z0-9.-]+)';
		if (req.method === 'POST' && (m = new RegExp(`${base}:predictLongRunning$`).exec(p)))
			return submit('vertex', m[1], req, res, body);
		// Imagen on Vertex: synchronous like the Gemini API's (scripted as imagen)
		if (req.method === 'POST' && (m = new RegExp(`${base}:predict$`).exec(p)))
			return submit('imagen', m[1], req, res, body);
		if (req.method === 'POST' && (m = new RegExp(`${base}:fetchPredictOperation$`).exec(p))) {
			const name = body?.operationName;
			if (typeof name !== 'string') {
				const [st, b] = errors.vertex[400]('operationName is required');
				return send(res, st, b);
			}
			if (!name.startsWith(`${m[1]}/operations/`)) {
				const [st, b] = errors.vertex[404]();
				return send(res, st, b);
			}
			return task('vertex', name, req, res, vertexView);
		}
	} else if (provider === 'wan') {
		if (req.method === 'POST' && p === '/api/v1/services/aigc/video-generation/video-synthesis') {
			if (req.headers['x-dashscope-async'] !== 'enable')
				return send(res, 403, dashscopeErr('AccessDenied', 'current user api does not support synchronous calls'));
			return submit('wan', 'video', req, res, body);
		}
		if (req.method === 'GET' && (m = /^\/api\/v1\/tasks\/([^/]+)$/.exec(p))) return task('wan', m[1], req, res, wanView);
	} else if (provider === 'seedance') {
		if (req.method === 'POST' && p === '/api/v3/contents/generations/tasks') return submit('seedance', 'video', req, res, body);
		if ((m = /^\/api\/v3\/contents\/generations\/tasks\/([^/]+)$/.exec(p)) && ['GET', 'DELETE'].includes(req.method))
			return task('seedance', m[1], req, res, seedanceView);
	} else if (provider === 'vidu') {
		if (req.method === 'POST' && (m = /^\/ent\/v2\/(img2video|text2video)$/.exec(p))) return submit('vidu', m[1], req, res, body);
		if (req.method === 'GET' && (m = /^\/ent\/v2\/tasks\/([^/]+)\/creations$/.exec(p))) return task('vidu', m[1], req, res, viduView);
		if (req.method === 'POST' && (m = /^\/ent\/v2\/tasks\/([^/]+)\/cancel$/.exec(p))) {
			req.cancel = true;
			return task('vidu', m[1], req, res, viduView);
		}
	} else if (provider === 'fal') {
		if (req.method === 'GET' && (m = /^\/(fal-ai\/[^/]+)\/requests\/([^/]+)\/status$/.exec(p)))
			return task('fal', m[2], req, res, falStatus);
		if (req.method === 'PUT' && (m = /^\/(fal-ai\/[^/]+)\/requests\/([^/]+)\/cancel$/.exec(p))) {
			req.cancel = true;
			return task('fal', m[2], req, res, falStatus);
		}
		if (req.method === 'GET' && (m = /^\/(fal-ai\/[^/]+)\/requests\/([^/]+)$/.exec(p))) return falResult(req, res, m[2]);
		if (req.method === 'POST' && /^\/fal-ai\/[a-z0-9._/-]+$/.test(p) && !p.includes('/requests/'))
			return submit('fal', p.slice(1), req, res, body);
	} else if (provider === 'replicate') {
		if (req.method === 'POST' && (m = /^\/v1\/models\/([a-z0-9._-]+\/[a-z0-9._-]+)\/predictions$/.exec(p)))
			return submit('replicate', m[1], req, res, body);
		if (req.method === 'GET' && (m = /^\/v1\/predictions\/([a-z0-9]+)$/.exec(p))) return task('replicate', m[1], req, res, replicateView);
		if (req.method === 'POST' && (m = /^\/v1\/predictions\/([a-z0-9]+)\/cancel$/.exec(p))) {
			req.cancel = true;
			return task('replicate', m[1], req, res, replicateView);
		}
	} else if (provider === 'minimax') {
		if (req.method === 'POST' && p === '/v1/video_generation') return submit('minimax', 'video', req, res, body);
		if (req.method === 'GET' && p === '/v1/query/video_generation')
			return task('minimax', url.searchParams.get('task_id') ?? '', req, res, minimaxView);
		if (req.method === 'GET' && p === '/v1/files/retrieve')
			return minimaxFile(req, res, url.searchParams.get('file_id') ?? '');
	} else {
		if (req.method === 'POST' && (m = /^\/v1\/videos\/(text2video|image2video)$/.exec(p)))
			return submit('kling', m[1], req, res, body);
		if (req.method === 'GET' && (m = /^\/v1\/videos\/(text2video|image2video)$/.exec(p))) {
			state.stats.lookups.kling++;
			const page = Math.max(1, Number(url.searchParams.get('pageNum') ?? 1));
			const size = Math.min(500, Math.max(1, Number(url.searchParams.get('pageSize') ?? 30)));
			const list = state.order.filter((t) => t.family === m[1]).slice((page - 1) * size, page * size);
			return send(res, 200, klingOk(list.map((t) => klingData(req, t))));
		}
		if (req.method === 'GET' && (m = /^\/v1\/videos\/(text2video|image2video)\/([^/]+)$/.exec(p))) {
			const t = state.tasks.get(`kling:${m[2]}`);
			if (t && t.family !== m[1]) {
				const [st, b] = errors.kling[404]();
				return send(res, st, b);
			}
			return task('kling', m[2], req, res, (rq, tk) => klingOk(klingData(rq, tk)));
		}
	}
	return send(res, 405, { error: 'method not allowed' });
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		req.rawBody = Buffer.concat(chunks);
		const raw = req.rawBody.toString();
		let body = null;
		if (raw.length) {
			try {
				body = JSON.parse(raw);
			} catch {
				body = undefined;
			}
		}
		try {
			route(req, res, body, raw);
		} catch (e) {
			send(res, 500, { error: `fake: ${e.message}` });
		}
	});
});
server.keepAliveTimeout = 5000;
server.listen(opt.port, '127.0.0.1', () => {
	process.stdout.write(`listening ${server.address().port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
