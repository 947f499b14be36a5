// receiver.mjs - the loopback webhook receiver of load_invariants.sh.
// Verifies every delivery's Standard Webhooks signature (HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>" with the whsec_ key, node:crypto)
// against the secrets of the load's accounts, answers 204, and records it.
//
//   node receiver.mjs SECRETS_FILE      (one whsec_... per line)
// Prints "listening <port>" once bound on 127.0.0.1. GET /log answers every
// delivery as JSON {id, generation, type, verified}. Exits after 5 minutes
// whatever happens.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";

const keys = fs.readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l.startsWith("whsec_"))
  .map((s) => Buffer.from(s.slice(6), "base64"));
const log = [];

function verified(id, ts, body, header) {
  const sigs = (header ?? "").split(" ").filter((s) => s.startsWith("v1,")).map((s) => s.slice(3));
  return keys.some((k) => {
    const want = crypto.createHmac("sha256", k).update(`${id}.${ts}.${body}`).digest("base64");
    return sigs.includes(want);
  });
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/log") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(log));
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const id = req.headers["webhook-id"] ?? "";
    let parsed = {};
    try { parsed = JSON.parse(body); } catch { /* recorded as unverified below */ }
    log.push({ id, generation: parsed?.data?.id ?? null, type: parsed?.type ?? null,
               verified: verified(id, req.headers["webhook-timestamp"], body, req.headers["webhook-signature"]) });
    res.writeHead(204);
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
setTimeout(() => process.exit(0), 5 * 60 * 1000).unref();
