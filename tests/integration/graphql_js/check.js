// check.js URL KEY TEST_KEY SDL_FILE - the server through graphql-js' eyes.
//
// (a) getIntrospectionQuery with every option, sent with KEY, must build a
//     client schema (buildClientSchema) with no breaking and no dangerous
//     change against the SDL, and print exactly as the SDL does;
// (b) every request document of the developer page validates against that
//     client schema, except for the fields SPEC §2's leniency answers whole
//     (an object-typed field without a sub-selection), which graphql-js
//     refuses with its leaf-field rule and nothing else;
// (c) each document runs (mutations with the test-mode TEST_KEY, so nothing
//     is spent) without errors, but NOT_FOUND for the page's made-up id.
// Prints one `ok - ...` or `not ok - ...` line per check; exit 1 on failure.
'use strict';

const fs = require('fs');
const g = require('graphql');

const [url, key, testKey, sdlFile] = process.argv.slice(2);
let failures = 0;

function check(ok, desc, detail) {
	console.log(`${ok ? 'ok' : 'not ok'} - ${desc}`);
	if (!ok) {
		failures++;
		if (detail !== undefined)
			console.log(`#   ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`.slice(0, 2000));
	}
}

async function post(apiKey, body) {
	const res = await fetch(url, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			Accept: 'application/graphql-response+json, application/json;q=0.9',
			Authorization: `Bearer ${apiKey}`,
		},
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30000),
	});
	let json = null;
	try {
		json = await res.json();
	} catch (e) {
		json = { parseError: String(e) };
	}
	return { status: res.status, json };
}

const ALL_OPTIONS = {
	descriptions: true,
	specifiedByUrl: true,
	directiveIsRepeatable: true,
	schemaDescription: true,
	inputValueDeprecation: true,
};

// The developer page's documents (/work/shared/seed/developer-page.txt), in
// page order. GetProviders has one closing brace too many on the page; this
// is the corrected document. `lenient` lists the fields sent without a
// sub-selection; `run` gives the variables and the key to run with.
const DOCS = [
	{
		name: 'curl Generate',
		query: 'mutation Generate($input: GenerateInput!) { generate(input: $input) { id status type provider url metadata { duration resolution } creditCost estimatedTime } }',
		lenient: [],
		variables: { input: { type: 'VIDEO', provider: 'minimax', input: { text: 'A serene mountain landscape at sunset' }, options: { duration: 10, resolution: '1080p', style: 'cinematic' } } },
	},
	{
		name: 'curl inline-literal generate',
		query: 'mutation { generate(input: { type: VIDEO, input: { text: "Epic dragon battle" }, priority: QUALITY }) { id status provider creditCost } }',
		lenient: [],
	},
	{
		name: 'curl status of gen_abc123',
		query: 'query { generation(id: "gen_abc123") { status progress url error { code message } } }',
		lenient: [],
		expectCode: 'NOT_FOUND',
	},
	{
		name: 'JavaScript client Generate',
		query: `
mutation Generate($input: GenerateInput!) {
generate(input: $input) {
id
status
type
provider
url
metadata
creditCost
estimatedTime
error {
code
message
}
}
}
`,
		lenient: ['metadata'],
		variables: { input: { type: 'IMAGE', input: { text: 'Photorealistic portrait' }, priority: 'QUALITY' } },
	},
	{
		name: 'JavaScript client GetGeneration',
		query: `
query GetGeneration($id: ID!) {
generation(id: $id) {
id
status
progress
url
error {
code
message
}
}
}
`,
		lenient: [],
		needsId: true,
	},
	{
		name: 'Apollo CreateVideo',
		query: `
mutation CreateVideo($input: VideoCreateInput!) {
videoCreate(input: $input) {
id
status
videoUrl
}
}
`,
		lenient: [],
		variables: { input: { prompt: 'Beautiful sunset over ocean', model: 'luma', duration: 9 } },
	},
	{
		name: 'Python client Generate',
		query: `
mutation Generate($input: GenerateInput!) {
generate(input: $input) {
id
status
type
provider
url
metadata
creditCost
estimatedTime
error
errorCode
}
}
`,
		lenient: ['metadata', 'error'],
		variables: { input: { type: 'AUDIO', provider: 'elevenlabs', input: { text: 'Welcome to the future of AI' }, options: { voice: 'rachel', emotion: 'excited' } } },
	},
	{
		name: 'Python client GetGeneration',
		query: `
query GetGeneration($id: ID!) {
generation(id: $id) {
id
status
type
url
progress
error
errorCode
metadata
}
}
`,
		lenient: ['error', 'metadata'],
		needsId: true,
	},
	{
		name: 'GraphQL section Generate',
		query: `
# Universal generation mutation - works for all content types
mutation Generate($input: GenerateInput!) {
generate(input: $input) {
id
status
type
provider
url
metadata
creditCost
estimatedTime
progress
error
errorCode
}
}
`,
		lenient: ['metadata', 'error'],
		variables: { input: { type: 'VIDEO', input: { text: 'A bustling Tokyo street at night with neon lights' }, options: { duration: 10, resolution: '1080p', style: 'cinematic' } } },
	},
	{
		name: 'GraphQL section GetGeneration',
		query: `
# Query generation status
query GetGeneration($id: ID!) {
generation(id: $id) {
id
status
type
provider
url
progress
metadata {
width
height
duration
format
}
creditCost
error
errorCode
createdAt
completedAt
}
}
`,
		lenient: ['error'],
		needsId: true,
	},
	{
		name: 'GraphQL section CancelGeneration',
		query: `
# Cancel a generation
mutation CancelGeneration($id: ID!) {
cancelGeneration(id: $id)
}
`,
		lenient: [],
		needsId: true,
	},
	{
		name: 'GraphQL section GetProviders (closing brace corrected)',
		query: `
# Get available providers for a content type
query GetProviders($type: GenerationType!) {
providers(type: $type) {
id
name
description
features
limitations
pricing {
creditCost
estimatedTime
}
options {
name
type
required
description
allowedValues
}
}
}
`,
		lenient: [],
		variables: { type: 'AUDIO' },
	},
];

async function introspect() {
	const query = g.getIntrospectionQuery(ALL_OPTIONS);
	const res = await post(key, { query });
	const errors = res.json && res.json.errors;
	check(res.status === 200 && !errors && res.json.data && res.json.data.__schema,
	      'getIntrospectionQuery (every option) answers 200 with data and no errors', res.json);
	if (!res.json || !res.json.data || !res.json.data.__schema)
		return null;
	let client;
	try {
		client = g.buildClientSchema(res.json.data);
		check(true, 'buildClientSchema accepts the result');
	} catch (e) {
		check(false, 'buildClientSchema accepts the result', String(e));
		return null;
	}
	const invalid = g.validateSchema(client);
	check(invalid.length === 0, 'the client schema is a valid schema', invalid.map(String));

	const sdl = g.buildSchema(fs.readFileSync(sdlFile, 'utf8'));
	const breaking = g.findBreakingChanges(sdl, client);
	check(breaking.length === 0, 'no breaking change against the SDL', breaking);
	const dangerous = g.findDangerousChanges(sdl, client);
	check(dangerous.length === 0, 'no dangerous change against the SDL', dangerous);
	const printed = (s) => g.printSchema(g.lexicographicSortSchema(s));
	check(printed(client) === printed(sdl), 'the client schema prints exactly as the SDL (descriptions included)');
	const reverse = g.findBreakingChanges(client, sdl);
	check(reverse.length === 0, 'nothing more in the server than in the SDL either', reverse);

	// What GraphiQL and code generators send must validate against the server.
	for (const [desc, opts] of [
		['every option', ALL_OPTIONS],
		['oneOf (isOneOf)', { ...ALL_OPTIONS, oneOf: true }],
		['defaults', {}],
	]) {
		const errs = g.validate(client, g.parse(g.getIntrospectionQuery(opts)));
		check(errs.length === 0, `getIntrospectionQuery (${desc}) validates against the client schema`, errs.map(String));
	}
	const oneOf = await post(key, { query: g.getIntrospectionQuery({ ...ALL_OPTIONS, oneOf: true }) });
	check(oneOf.status === 200 && !oneOf.json.errors, 'getIntrospectionQuery with oneOf runs without errors', oneOf.json.errors);
	const iq = g.introspectionFromSchema(sdl, ALL_OPTIONS);
	const ours = res.json.data.__schema.types.filter((t) => !t.name.startsWith('__'));
	check(ours.length === iq.__schema.types.filter((t) => !t.name.startsWith('__')).length,
	      'the same named types as graphql-js lists for the SDL');
	return client;
}

function validateDocs(client) {
	for (const doc of DOCS) {
		let errs;
		try {
			errs = g.validate(client, g.parse(doc.query));
		} catch (e) {
			check(false, `${doc.name}: parses`, String(e));
			continue;
		}
		const expected = doc.lenient.map((f) => new RegExp(`^Field "${f}" of type "[A-Za-z!]+" must have a selection of subfields`));
		const unexplained = errs.filter((e) => !expected.some((re) => re.test(e.message)));
		const explained = expected.filter((re) => errs.some((e) => re.test(e.message)));
		const what = doc.lenient.length ? ` (but the lenient ${doc.lenient.join(', ')})` : '';
		check(unexplained.length === 0 && explained.length === expected.length,
		      `${doc.name}: validates against the client schema${what}`, errs.map(String));
	}
}

async function runDocs() {
	let id = null;
	for (const doc of DOCS) {
		let variables = doc.variables;
		if (doc.needsId) {
			if (!id) {
				check(false, `${doc.name}: runs`, 'no generation id from an earlier Generate');
				continue;
			}
			variables = { id };
		}
		const res = await post(testKey, { query: doc.query, variables });
		const errors = (res.json && res.json.errors) || [];
		if (doc.expectCode) {
			const codes = errors.map((e) => e.extensions && e.extensions.code);
			check(res.status === 200 && codes.length === 1 && codes[0] === doc.expectCode && res.json.data,
			      `${doc.name}: runs, with only ${doc.expectCode}`, res.json);
			continue;
		}
		check(res.status === 200 && errors.length === 0 && res.json.data, `${doc.name}: runs without errors`, res.json);
		const data = res.json && res.json.data;
		const gen = data && data.generate;
		if (gen && !id && typeof gen.id === 'string')
			id = gen.id;
	}
}

(async () => {
	try {
		const client = await introspect();
		if (client)
			validateDocs(client);
		await runDocs();
	} catch (e) {
		check(false, 'check.js ran to the end', String(e && e.stack ? e.stack : e));
	}
	process.exit(failures ? 1 : 0);
})();
