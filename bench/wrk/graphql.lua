-- bench/wrk/graphql.lua - the POST bodies of bench/run, one per request.
-- Environment: BENCH_OP generate | generation | floor; BENCH_KEYS a file of
-- "key<TAB>generation id" lines (each thread starts at its own offset and
-- walks through them, so requests spread over every account); BENCH_NONCE
-- makes Idempotency-Keys unique across runs.
local op = os.getenv("BENCH_OP") or "generation"
local nonce = os.getenv("BENCH_NONCE") or tostring(os.time())
local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

local keys, ids = {}, {}
local n = 0
local generate_body = '{"query":"mutation G($i: GenerateInput!) { generate(input: $i) { id status creditCost } }",'
	.. '"variables":{"i":{"type":"IMAGE","input":{"text":"bench"}}}}'
local floor_body = '{"query":"{ __typename }"}'

function init(args)
	for line in io.lines(os.getenv("BENCH_KEYS")) do
		local k, id = line:match("^(%S+)\t(%S+)$")
		if k then
			keys[#keys + 1] = "Bearer " .. k
			ids[#ids + 1] = id
		end
	end
	n = (tid or 1) * 7919
end

function request()
	n = n + 1
	local i = n % #keys + 1
	if op == "floor" then
		return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, floor_body)
	end
	local headers = { ["Content-Type"] = "application/json", ["Authorization"] = keys[i] }
	if op == "generate" then
		headers["Idempotency-Key"] = "wrk-" .. nonce .. "-" .. (tid or 0) .. "-" .. n
		return wrk.format("POST", "/graphql", headers, generate_body)
	end
	return wrk.format("POST", "/graphql", headers,
		'{"query":"query Q($id: ID!) { generation(id: $id) { id status creditCost createdAt } }",'
			.. '"variables":{"id":"' .. ids[i] .. '"}}')
end
