// receiver.mjs - a webhook receiver for the integration tests, verifying
// every delivery with the Standard Webhooks reference library (npm
// `standardwebhooks`), as a user's server would.
//
//   node receiver.mjs SECRET [OLD_SECRET]
// Listens on 127.0.0.1, port $RECEIVER_PORT or one chosen by the system, and prints
// "listening <port>". Paths:
//   POST /ok         verify (with SECRET, and separately with OLD_SECRET
//                    when given) and answer 204
//   POST /fail2      answer 500 to the first two attempts of each
//                    webhook-id, then verify and answer 204
//   GET  /log        every delivery as JSON: {path, id, timestamp, attempt
//                    (per webhook-id), verified, verifiedOld, error, status,
//                    body}
// Stops after 10 minutes whatever happens (tests never leave it behind).
import http from "node:http";
import { Webhook } from "standardwebhooks";

const [secret, oldSecret] = process.argv.slice(2);
if (!secret) {
  console.error("usage: node receiver.mjs SECRET [OLD_SECRET]");
  process.exit(2);
}
const current = new Webhook(secret);
const previous = oldSecret ? new Webhook(oldSecret) : null;
const log = [];
const attempts = new Map();

function verify(wh, body, headers) {
  try {
    wh.verify(body, headers);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: `${e.name}: ${e.message}` };
  }
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
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    const entry = {
      path: req.url, id, timestamp: req.headers["webhook-timestamp"], attempt,
      signature: req.headers["webhook-signature"], contentType: req.headers["content-type"],
      body,
    };
    if (req.url === "/fail2" && attempt <= 2) {
      entry.status = 500;
    } else {
      const v = verify(current, body, req.headers);
      entry.verified = v.ok;
      entry.error = v.error;
      if (previous) entry.verifiedOld = verify(previous, body, req.headers).ok;
      entry.status = v.ok ? 204 : 400;
    }
    log.push(entry);
    res.writeHead(entry.status);
    res.end();
  });
});
server.listen(Number(process.env.RECEIVER_PORT ?? 0), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
setTimeout(() => process.exit(0), 600_000).unref();
