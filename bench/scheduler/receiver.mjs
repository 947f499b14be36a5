// receiver.mjs - the benchmark's webhook receiver: answers 204 to every POST
// on 127.0.0.1 (port chosen by the system, printed as "listening <port>")
// and counts them; GET /count answers the count. It verifies nothing: the
// benchmark measures the sender (signing is ours, verification the user's).
import http from "node:http";

let count = 0;
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/count") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(String(count));
    return;
  }
  req.resume();
  req.on("end", () => {
    count++;
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
setTimeout(() => process.exit(0), 900_000).unref();
