#!/usr/bin/env python3
"""tests/integration/client/drop_first_post.py - a tiny HTTP/1.1 proxy for
client.sh's idempotent-retry check.

    drop_first_post.py UPSTREAM_HOST UPSTREAM_PORT PORT_FILE LOG_FILE

Listens on an ephemeral 127.0.0.1 port (written to PORT_FILE), reads one
request per connection, and forwards it to the upstream with
"Connection: close". The FIRST POST is forwarded and its answer read, then
the client's connection is reset without a byte of the answer: the server
has done the work, the client sees a network failure. Every later request
gets the upstream's answer. LOG_FILE gets one line per request:
"METHOD IDEMPOTENCY-KEY dropped|forwarded STATUS". Exits after 120 s
whatever happens, so a test can never hang on it.
"""
import os
import socket
import struct
import sys
import threading
import time

upstream = (sys.argv[1], int(sys.argv[2]))
port_file, log_file = sys.argv[3], sys.argv[4]
lock = threading.Lock()
state = {"dropped": False}


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return lines[0], lines[1:], headers, body


def handle(conn):
    try:
        conn.settimeout(30)
        req = read_request(conn)
        if req is None:
            return
        start, header_lines, headers, body = req
        method = start.split(" ", 1)[0]
        kept = [h for h in header_lines if h.split(":", 1)[0].strip().lower() not in ("connection", "keep-alive")]
        out = "\r\n".join([start] + kept + ["Connection: close", "", ""]).encode("latin-1") + body
        up = socket.create_connection(upstream, timeout=30)
        up.sendall(out)
        answer = b""
        while True:
            chunk = up.recv(65536)
            if not chunk:
                break
            answer += chunk
        up.close()
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "?"
        with lock:
            drop = method == "POST" and not state["dropped"]
            if drop:
                state["dropped"] = True
        with open(log_file, "a") as log:
            log.write("%s %s %s %s\n" % (method, headers.get("idempotency-key", "-"),
                                         "dropped" if drop else "forwarded", status))
        if drop:
            # RST instead of FIN: the client sees "connection reset".
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.sendall(answer)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(1)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


main()
