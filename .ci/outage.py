#!/usr/bin/env python3
"""A database outage under writes (issue 12, point 9), run by .ci/run after the suites.

Starts `usul serve` on a fresh PostgreSQL database, keeps writing subjects from three threads,
stops PostgreSQL for ten seconds and starts it again. It checks that:
- no request ever answers 5xx other than 503, and every 503 carries Retry-After;
- while the database is down, writes answer within 3 s and /readyz within 1 s;
- the service recovers without a restart;
- every write that was acknowledged (201) is stored.
Usage: outage.py <path to the usul binary> <admin database url>
"""
import json, os, subprocess, sys, threading, time, urllib.error, urllib.request

BIN, ADMIN_URL = sys.argv[1], sys.argv[2]
PORT = 18089
BASE = f"http://127.0.0.1:{PORT}"
DB = f"usul_outage_{os.getpid()}"
CLUSTER = sorted(os.listdir("/etc/postgresql"))[0]


def psql(sql):
    subprocess.run(["psql", ADMIN_URL, "-q", "-c", sql], check=True)


def pg(action):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main", action, *(["-m", "fast"] if action == "stop" else [])], check=True)


def call(method, path, token=None, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read(), time.monotonic() - started


failures = []
acknowledged = []
lock = threading.Lock()
down = threading.Event()
stop = threading.Event()
stats = {"201": 0, "503": 0, "other": 0}


def writer(n, token, school):
    i = 0
    while not stop.is_set():
        i += 1
        name = f"Outage subject {n}-{i}"
        try:
            status, headers, body, took = call("POST", f"/api/v1/schools/{school}/subjects", token, {"name": name})
        except Exception as e:  # a connection-level failure is a failure too
            with lock:
                failures.append(f"{name}: {e}")
            continue
        with lock:
            if status == 201:
                acknowledged.append(name)
                stats["201"] += 1
            elif status == 503:
                stats["503"] += 1
                if "Retry-After" not in headers and "retry-after" not in headers:
                    failures.append(f"{name}: 503 without Retry-After")
            else:
                stats["other"] += 1
                failures.append(f"{name}: {status} {body[:200]!r}")
            if down.is_set() and took > 3.0:
                failures.append(f"{name}: took {took:.1f} s while the database was down")
        if status == 503:
            time.sleep(0.2)


def main():
    psql(f'CREATE DATABASE "{DB}"')
    base, _ = ADMIN_URL.rsplit("/", 1)
    env = dict(os.environ, USUL_DATABASE_URL=f"{base}/{DB}", USUL_BIND=f"127.0.0.1:{PORT}",
               USUL_TOKEN_REQUESTS_PER_MINUTE="0", USUL_LOG="warn", USUL_FILES_DIR=f"/tmp/{DB}-files")
    server = subprocess.Popen([BIN, "serve", "--demo"], env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                if call("GET", "/readyz", timeout=1)[0] == 200:
                    break
            except Exception:
                pass
            time.sleep(0.5)
        status, _, body, _ = call("POST", "/api/v1/auth/token", body={"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"})
        assert status == 200, body
        token = json.loads(body)["access_token"]
        school = json.loads(call("GET", "/api/v1/me", token)[2])["school"]["id"]
        threads = [threading.Thread(target=writer, args=(n, token, school)) for n in range(3)]
        for t in threads:
            t.start()
        time.sleep(4)
        pg("stop")
        down.set()
        outage_started = time.monotonic()
        while time.monotonic() - outage_started < 10:
            status, headers, _, took = call("GET", "/readyz", timeout=5)
            if status != 503 or took > 1.0 or not any(k.lower() == "retry-after" for k in headers):
                failures.append(f"/readyz while down: {status} in {took:.2f} s")
            time.sleep(1)
        down.clear()
        pg("start")
        recovered = None
        for _ in range(60):
            if call("GET", "/readyz", timeout=5)[0] == 200:
                recovered = time.monotonic()
                break
            time.sleep(0.5)
        if recovered is None:
            failures.append("the service did not recover within 30 s")
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join()
        names, cursor = set(), ""
        while True:
            status, _, body, _ = call("GET", f"/api/v1/schools/{school}/subjects?limit=200&cursor={cursor}", token)
            assert status == 200, body
            page = json.loads(body)
            names.update(s["name"] for s in page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        lost = [n for n in acknowledged if n not in names]
        if lost:
            failures.append(f"{len(lost)} acknowledged writes are missing, e.g. {lost[:3]}")
        print(f"outage: {stats['201']} writes acknowledged, {stats['503']} answered 503 with Retry-After, "
              f"{stats['other']} other answers; {len(acknowledged) - len(lost)} of {len(acknowledged)} acknowledged writes stored")
    finally:
        server.terminate()
        server.wait(timeout=10)
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"])
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
                break
            time.sleep(1)
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'])
    if failures:
        print("outage: FAILED")
        for f in failures[:20]:
            print("  -", f)
        sys.exit(1)
    print("outage: passed")


if __name__ == "__main__":
    main()
