#!/usr/bin/env node
// tests/fakes/upstream.mjs - one local fake of the upstream video APIs
// (reference/providers.md §2 Kling, §3 MiniMax, §4 Veo on the Gemini API,
// §5 Runway, §6 Luma, §8 Wan),
// speaking their wire format on 127.0.0.1 so the adapters can be tested
// without the network. Node 20 built-ins only.
//
//   node tests/fakes/upstream.mjs --port 0 --media share/samples \
//        [--luma-key K] [--runway-key K] [--kling-access AK --kling-secret SK]
//        [--minimax-key K] [--wan-key K] [--veo-key K]
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
//
// Control API (same port):
//   POST /_fake/script {"provider":"luma|runway|kling|minimax|wan|veo|all",
//        "submit":"ok|503|429|400|moderation|hang|reset|timeout-after-accept",
//        "pollsUntilDone":N, "final":"succeed|failed|moderation|expired (wan)",
//        "pollStatus":"<status shown before done>", "result":"ok|expired|html",
//        "poll":"ok|503|reset" (every poll of the provider, also of tasks
//        already accepted, and MiniMax's files/retrieve),
//        "retryAfter":S}
//     merges into that provider's script, which holds until changed or reset.
//     hang: the submit is never answered, no task made; reset: the connection
//     is destroyed after the request arrived, no task made;
//     timeout-after-accept: the task is made but the answer never comes.
//     result expired -> the result URL answers 403; html -> served as text/html.
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
	resultFile: arg('result-file', 'sample-video.mp4'),
};
const PROVIDERS = ['luma', 'runway', 'kling', 'minimax', 'wan', 'veo'];
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
	if (task.script.result === 'html') return `${baseUrl(req)}/files/html-${task.id}.mp4`;
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
const klingOk = (data) => ({ code: 0, message: 'SUCCEED', request_id: crypto.randomUUID(), data });

// ------------------------------------------------------------ handlers
function submit(provider, family, req, res, body) {
	const s = state.stats;
	s.submissions[provider]++;
	const ext = provider === 'kling' ? body?.external_task_id : undefined;
	if (ext) s.byExternalId[ext] = (s.byExternalId[ext] ?? 0) + 1;
	const prompt = body?.prompt ?? body?.promptText ?? body?.input?.prompt;
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
	if (req.method === 'DELETE') {
		state.stats.cancels[provider]++;
		if (provider === 'luma') state.tasks.delete(`${provider}:${id}`);
		else t.script = { ...t.script, final: 'cancelled', pollsUntilDone: 0 };
		res.writeHead(204);
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
	}
	state.stats.polls[provider]++;
	t.polls++;
	return send(res, 200, view(req, t));
}

function files(req, res, name) {
	if (name.startsWith('expired-')) {
		res.writeHead(403, { 'content-type': 'application/xml' });
		return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
	}
	const html = name.startsWith('html-');
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
	else if (p.startsWith('/v1beta/')) provider = 'veo';
	else if (p === '/v1/video_generation' || p === '/v1/query/video_generation' || p === '/v1/files/retrieve') provider = 'minimax';
	if (!provider) return send(res, 404, { error: 'no such route' });
	record(provider, req, body);
	const auth = { luma: authLuma, runway: authRunway, kling: authKling, minimax: authMinimax, wan: authWan, veo: authVeo };
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
