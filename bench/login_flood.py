#!/usr/bin/env python3
"""The login flood (issue 12, point 1): N concurrent clients send password grants for accounts
that do not exist, while one client reads GET /me every 50 ms. Prints the server's resident
memory before and at its peak, /me latency (p50, p99), and how the grants were answered.

Usage: bench/login_flood.py <path to the usul binary> [clients=300] [seconds=15] [per-address limit=0]
Set FLOOD_NICE=10 to run the flood's processes at nice 10 (clients as if on other machines).
The server runs `serve --demo` on a temporary SQLite file. With the per-address limit at 0 (the
worst case: every client from its own address) only the bounded password hashing protects the
server; with the default 30 a minute, one address is turned away before any hashing.
"""
import json, multiprocessing, os, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

BIN = os.path.abspath(sys.argv[1])
CLIENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 15
LIMIT = sys.argv[4] if len(sys.argv) > 4 else "0"
PORT = 18090
BASE = f"http://127.0.0.1:{PORT}"
PROCESSES = 6


def call(method, path, token=None, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def flood(proc, clients, stop, results):
    """`clients` threads sending grants for accounts that do not exist until `stop`."""
    # With FLOOD_NICE=N the flood runs at that niceness, standing in for clients on other
    # machines: on one shared machine the generator otherwise takes the server's cores.
    os.nice(int(os.environ.get("FLOOD_NICE", "0")))
    answers, lock = {}, threading.Lock()

    def one(n):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                s, _ = call("POST", "/api/v1/auth/token", body={"grant_type": "password", "username": f"nobody{proc}-{n}-{i}@flood.kg", "password": "not-the-password"})
            except Exception:
                s = "error"
            with lock:
                answers[s] = answers.get(s, 0) + 1

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(("flood", answers))


def reader(token, stop, results):
    """GET /me every 50 ms until `stop`; the latencies in ms (a failure counts as infinite)."""
    me_ms = []
    while not stop.is_set():
        t = time.monotonic()
        try:
            s, _ = call("GET", "/api/v1/me", token)
        except Exception:
            s = "error"
        me_ms.append((time.monotonic() - t) * 1000 if s == 200 else float("inf"))
        time.sleep(0.05)
    results.put(("me", me_ms))


def main():
    tmp = tempfile.mkdtemp(prefix="usul-flood-")
    env = dict(os.environ, USUL_DATABASE_URL=f"sqlite://{tmp}/usul.db?mode=rwc", USUL_BIND=f"127.0.0.1:{PORT}",
               USUL_TOKEN_REQUESTS_PER_MINUTE=LIMIT, USUL_LOG="error", USUL_FILES_DIR=f"{tmp}/files")
    server = subprocess.Popen([BIN, "serve", "--demo"], env=env, stdout=subprocess.DEVNULL, cwd=tmp)
    try:
        for _ in range(240):
            try:
                if call("GET", "/readyz", timeout=1)[0] == 200:
                    break
            except Exception:
                pass
            time.sleep(0.5)
        status, body = call("POST", "/api/v1/auth/token", body={"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"})
        token = json.loads(body)["access_token"]
        for _ in range(20):
            call("GET", "/api/v1/me", token)
        baseline = rss_mib(server.pid)
        # The flood and the /me reader run in processes of their own: in one Python process the
        # reader would wait for the interpreter lock behind 300 threads, and its latency would
        # be the load generator's, not the server's.
        stop = multiprocessing.Event()
        results = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=flood, args=(p, CLIENTS // PROCESSES, stop, results)) for p in range(PROCESSES)]
        procs.append(multiprocessing.Process(target=reader, args=(token, stop, results)))
        for p in procs:
            p.start()
        peak = baseline
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            peak = max(peak, rss_mib(server.pid))
            time.sleep(0.05)
        stop.set()
        answers, me_ms = {}, []
        for _ in procs:
            kind, value = results.get(timeout=60)
            if kind == "me":
                me_ms = value
            else:
                for k, v in value.items():
                    answers[k] = answers.get(k, 0) + v
        for p in procs:
            p.join()
        peak = [peak]
        me_ms.sort()
        p = lambda q: me_ms[min(len(me_ms) - 1, int(q * len(me_ms)))] if me_ms else float("nan")
        print(f"clients {CLIENTS}, {SECONDS:.0f} s, per-address limit {LIMIT}")
        print(f"RSS: {baseline:.1f} MiB before, {peak[0]:.1f} MiB at peak (+{peak[0] - baseline:.1f} MiB)")
        print(f"/me: {len(me_ms)} reads, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {me_ms[-1] if me_ms else 0:.1f} ms")
        print("grants answered:", ", ".join(f"{k}: {v}" for k, v in sorted(answers.items(), key=lambda kv: str(kv[0]))))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
