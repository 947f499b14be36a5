#!/usr/bin/env node
// tests/fakes/upstream.mjs - one local fake of the upstream video APIs
// (reference/providers.md §2 Kling, §3 MiniMax, §4 Veo on the Gemini API,
// §5 Runway, §6 Luma, §7 Seedance on BytePlus Ark, §8 Wan, §9 Vidu, and the
// aggregators §17 fal's queue and §18 Replicate's predictions),
// speaking their wire format on 127.0.0.1 so the adapters can be tested
// without the network. Node 20 built-ins only.
//
//   node tests/fakes/upstream.mjs --port 0 --media share/samples \
//        [--luma-key K] [--runway-key K] [--kling-access AK --kling-secret SK]
//        [--minimax-key K] [--wan-key K] [--veo-key K] [--seedance-key K]
//        [--vidu-key K] [--fal-key K] [--replicate-key K]
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
//   GET    /v1beta/files/{id}:download?alt=media    Veo result (the key header required)
//   POST   /api/v3/contents/generations/tasks       Seedance submit -> {"id"}
//   GET    /api/v3/contents/generations/tasks/{id}  Seedance task (DELETE: cancel)
//   POST   /ent/v2/{img2video|text2video}           Vidu submit -> {"task_id","state"}
//   GET    /ent/v2/tasks/{id}/creations             Vidu task (POST .../cancel)
//   POST   /fal-ai/{app}[/{path}]                   fal queue submit -> request_id + URLs
//   GET    /fal-ai/{app}/requests/{id}/status       fal status: 202 IN_QUEUE|IN_PROGRESS, 200 COMPLETED
//   GET    /fal-ai/{app}/requests/{id}              fal result {"video":{"url"}} (PUT .../cancel)
//   POST   /v1/models/{owner}/{name}/predictions    Replicate submit (201 prediction)
//   GET    /v1/predictions/{id}                     Replicate prediction (POST .../cancel)
//   GET    /files/{name}.mp4                        result files from --media
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
// moderation). fal: `Key <key>` (401 {"detail"}), 422 {"detail":[{msg,type}]},
// final failed = COMPLETED with error/error_type, moderation = the result
// answering 422 content_policy_violation; "poll" also breaks the result step.
// Replicate: Bearer, problem details, failed predictions' error text (NSFW =
// moderation); output is one URL (a list when the input has output_list).
//
// Control API (same port):
//   POST /_fake/script {"provider":"luma|runway|kling|minimax|wan|veo|seedance|vidu|fal|replicate|all",
//        "submit":"ok|503|429|400|moderation|hang|reset|timeout-after-accept|malformed",
//        "pollsUntilDone":N, "final":"succeed|failed|moderation|expired (wan)",
//        "pollStatus":"<status shown before done>",
//        "result":"ok|expired|html|huge|huge-declared|slow",
//        "poll":"ok|503|reset|malformed" (every poll of the provider, also of tasks
//        already accepted, and MiniMax's files/retrieve),
//        "retryAfter":S}
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
//   GET  /_fake/stats   {"submissions","accepted","polls","cancels","lookups","results",
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
	resultFile: arg('result-file', 'sample-video.mp4'),
};
const PROVIDERS = ['luma', 'runway', 'kling', 'minimax', 'wan', 'veo', 'seedance', 'vidu', 'fal', 'replicate'];
const REQUEST_LOG_MAX = 500;
const RUNWAY_VERSION = '2024-11-06';

const defaultScript = () => ({ submit: 'ok', poll: 'ok', pollsUntilDone: 1, final: 'succeed',
	pollStatus: null, result: 'ok', retryAfter: 1 });
let state;
function reset() {
	for (const s of state?.held ?? []) s.destroy();
	state = {
		scripts: Object.fromEntries(PROVIDERS.map((p) => [p, defaultScript()])),
		tasks: new Map(),        // `${provider}:${id}` -> task
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
	replicate: {
		503: () => [503, { title: 'Service Unavailable', detail: 'The service is temporarily unavailable.', status: 503 }],
		429: () => [429, { title: 'Too Many Requests', detail: 'Request was throttled. Your rate limit resets in ~30s.', status: 429 }],
		400: (why) => [422, { title: 'Input validation failed', detail: `- input: Invalid request: ${why}`, status: 422 }],
		moderation: () => [422, { title: 'Input flagged', detail: 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)', status: 422 }],
		404: () => [404, { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 }],
	},
};

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
	} else if (provider === 'veo') {
		if (!Array.isArray(b.instances) || b.instances.length !== 1) return 'instances must hold one instance';
		const i = b.instances[0];
		if (typeof i.prompt !== 'string') return 'instances[0].prompt is required';
		if (i.image !== undefined && (typeof i.image.bytesBase64Encoded !== 'string' || typeof i.image.mimeType !== 'string'))
			return 'instances[0].image needs bytesBase64Encoded and mimeType';
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
	} else if (provider === 'fal') {
		if (typeof b.prompt !== 'string' && typeof b.image_url !== 'string') return 'prompt: field required';
		if (family.includes('image-to-video') && typeof b.image_url !== 'string') return 'image_url: field required';
		if (family.includes('text-to-video') && b.image_url !== undefined) return 'image_url: extra fields not permitted';
	} else if (provider === 'replicate') {
		if (!b.input || typeof b.input !== 'object') return 'input is required';
		if (typeof b.input.prompt !== 'string') return 'input.prompt: prompt is required';
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
	if (task.script.result === 'expired') return `${baseUrl(req)}/files/expired-${task.id}.mp4?token=t0k3n`;
	if (RESULT_MODES.includes(task.script.result))
		return `${baseUrl(req)}/files/${task.script.result}-${task.id.replace(/[^A-Za-z0-9._-]/g, '_')}.mp4`;
	return `${baseUrl(req)}/files/${opt.resultFile}?token=t0k3n`;
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
	const file = path.join(opt.media, opt.resultFile);
	res.writeHead(200, { 'content-type': mode === 'html' ? 'text/html' : 'video/mp4', 'content-length': fs.statSync(file).size });
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
	return send(res, 200, { video: { url: resultUrl(req, t), content_type: 'video/mp4', file_name: 'output.mp4',
		file_size: fs.statSync(path.join(opt.media, opt.resultFile)).size }, seed: 42 });
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
const klingOk = (data) => ({ code: 0, message: 'SUCCEED', request_id: crypto.randomUUID(), data });

// ------------------------------------------------------------ handlers
function submit(provider, family, req, res, body) {
	const s = state.stats;
	s.submissions[provider]++;
	const ext = provider === 'kling' ? body?.external_task_id : undefined;
	if (ext) s.byExternalId[ext] = (s.byExternalId[ext] ?? 0) + 1;
	const prompt = body?.prompt ?? body?.promptText ?? body?.input?.prompt ??
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
	if (provider === 'minimax') t.fileId = String(300000000000 + state.seq);
	if (provider === 'seedance') t.id = `cgt-2025${String(state.seq).padStart(6, '0')}-${crypto.randomBytes(3).toString('hex')}`;
	if (provider === 'vidu') t.id = String(880000000000 + state.seq);
	if (provider === 'replicate') t.id = crypto.randomBytes(13).toString('hex').slice(0, 26);
	if (provider === 'veo') {
		t.id = `models/${family}/operations/${crypto.randomBytes(6).toString('hex')}`;
		t.fileKey = crypto.randomBytes(6).toString('hex');
	}
	state.tasks.set(`${provider}:${t.id}`, t);
	if (provider === 'veo') { s.accepted[provider]++; if (script.submit === 'timeout-after-accept') return hold(req, res); return send(res, 200, { name: t.id }); }
	if (provider === 'kling') state.order.unshift(t);
	s.accepted[provider]++;
	if (script.submit === 'timeout-after-accept') return hold(req, res);
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
	const html = mode === 'html';
	const file = path.join(opt.media, html ? opt.resultFile : name);
	if (!/^[A-Za-z0-9._-]+\.mp4$/.test(name) || !fs.existsSync(file)) {
		res.writeHead(404, { 'content-type': 'text/plain' });
		return res.end('not found');
	}
	const size = fs.statSync(file).size;
	res.writeHead(200, { 'content-type': html ? 'text/html' : 'video/mp4', 'content-length': size });
	fs.createReadStream(file).pipe(res);
}

function control(req, res, url, body) {
	if (req.method === 'POST' && url.pathname === '/_fake/reset') {
		reset();
		return send(res, 200, { ok: true });
	}
	if (req.method === 'GET' && url.pathname === '/_fake/stats')
		return send(res, 200, { ...state.stats, tasks: state.tasks.size });
	if (req.method === 'POST' && url.pathname === '/_fake/script') {
		const which = body?.provider === 'all' ? PROVIDERS : [body?.provider];
		if (!which.every((p) => PROVIDERS.includes(p)))
			return send(res, 400, { error: `provider must be one of ${PROVIDERS.join(', ')} or all` });
		const patch = {};
		for (const k of ['submit', 'poll', 'pollsUntilDone', 'final', 'pollStatus', 'result', 'retryAfter'])
			if (body[k] !== undefined) patch[k] = body[k];
		for (const p of which) state.scripts[p] = { ...state.scripts[p], ...patch };
		if (body.slowMs !== undefined) state.slowMs = Number(body.slowMs);
		return send(res, 200, Object.fromEntries(which.map((p) => [p, state.scripts[p]])));
	}
	return send(res, 404, { error: 'unknown control route' });
}

function route(req, res, body) {
	const url = new URL(req.url, 'http://fake');
	const p = url.pathname;
	let m;
	if (p.startsWith('/_fake/')) return control(req, res, url, body);
	if (req.method === 'GET' && (m = /^\/files\/([^/]+)$/.exec(p))) return files(req, res, m[1]);

	let provider = null;
	if (p.startsWith('/dream-machine/v1/')) provider = 'luma';
	else if (p === '/v1/image_to_video' || p === '/v1/text_to_video' || p.startsWith('/v1/tasks/')) provider = 'runway';
	else if (p.startsWith('/v1/videos/')) provider = 'kling';
	else if (p.startsWith('/api/v1/')) provider = 'wan';
	else if (p.startsWith('/api/v3/')) provider = 'seedance';
	else if (p.startsWith('/ent/v2/')) provider = 'vidu';
	else if (p.startsWith('/fal-ai/')) provider = 'fal';
	else if (p.startsWith('/v1/models/') || p.startsWith('/v1/predictions')) provider = 'replicate';
	else if (p.startsWith('/v1beta/')) provider = 'veo';
	else if (p === '/v1/video_generation' || p === '/v1/query/video_generation' || p === '/v1/files/retrieve') provider = 'minimax';
	if (!provider) return send(res, 404, { error: 'no such route' });
	record(provider, req, body);
	const auth = { luma: authLuma, runway: authRunway, kling: authKling, minimax: authMinimax, wan: authWan, veo: authVeo,
		seedance: authSeedance, vidu: authVidu, fal: authFal, replicate: authReplicate };
	const denied = auth[provider](req);
	if (denied) {
		state.stats.unauthorized[provider]++;
		return send(res, denied[0], denied[1]);
	}
	if (body === undefined && req.method === 'POST') {
		const [st, b] = errors[provider][400]('body is not valid JSON');
		return send(res, st, b);
	}
	if (provider === 'luma') {
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
		const raw = Buffer.concat(chunks).toString();
		let body = null;
		if (raw.length) {
			try {
				body = JSON.parse(raw);
			} catch {
				body = undefined;
			}
		}
		try {
			route(req, res, body);
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
