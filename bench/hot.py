#!/usr/bin/env python3
"""Hot reads and writes against the bare actix-web ceiling, in one run.

    python3 bench/hot.py                 # SQLite and PostgreSQL, 10 s a target
    python3 bench/hot.py --db sqlite --duration 5
    python3 bench/hot.py --instances 2   # PostgreSQL reads through two `usul serve` processes

What it does, on this machine, with release builds:
1. builds `usul` and `usul-ceiling` (a bare actix-web handler, same worker count);
2. for each database: generates one school (120 staff, a 50-item approved unified plan) with
   `usul generate`, times `usul serve` from start to the first `/healthz` answer on an empty
   database (migrations included), starts the service and signs in;
3. runs `wrk` (Debian's package; 2 threads, 64 connections) against the ceiling, each read,
   then the writes (64 writers adding items to teachers' plans and recording progress on the
   unified plan), then the ceiling again;
4. prints a table: req/s, p50, p99, the share of the ceiling (the mean of the two ceiling runs
   around it), answers that were not 2xx/3xx, and the service's peak RSS under the load
   (VmRSS sampled every 0.1 s) and over its life (VmHWM, which includes the sign-ins).

Absolute figures drift between runs and machines; compare the ratios. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
SERVICE_PORT = 18181
CEILING_PORT = 18180
PASSWORD = "generated-password"


def sh(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)


def http(method: str, url: str, token: str | None = None, body=None, form=None):
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else None)


def wait_healthy(port: int, timeout: float = 30.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except Exception:
            time.sleep(0.01)
    raise SystemExit(f"nothing answered on port {port} within {timeout} s")


def status_mib(pid: int, field: str) -> float:
    """A memory figure of /proc/PID/status (VmRSS, VmHWM) in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """The highest VmRSS of `pids`, sampled every 0.1 s while the load runs (VmHWM also counts
    the sign-ins before it, whose password hashing briefly holds 19 MiB a hashing thread)."""

    def __init__(self, pids: list[int]):
        import threading

        self.pids, self.peak, self.stop = pids, 0.0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, *(status_mib(p, "VmRSS") for p in self.pids))
            except OSError:
                pass
            time.sleep(0.1)

    def done(self) -> float:
        self.stop.set()
        self.thread.join()
        return self.peak


def ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, args, token: str | None = None, script: str | None = None, connections: int | None = None) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}", f"-d{args.duration}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = sh(*cmd).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Not 2xx: (\d+)", out) or re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": ms(lat.get("50", "nan")),
        "p99": ms(lat.get("99", "nan")),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def lua_requests(path: str, requests: list[tuple[str, str, str, dict | None]]) -> None:
    """A wrk script that sends the requests round-robin (per thread). The requests are formatted
    in `init`, once wrk has set the Host header."""
    lines = ["local data = {"]
    for method, target, token, body in requests:
        payload = json.dumps(body, ensure_ascii=False) if body is not None else ""
        # Lua long strings take UTF-8 as it is (Lua knows no \\u escapes).
        lines.append(
            "  {[==[%s]==], [==[%s]==], {[\"Authorization\"] = [==[Bearer %s]==], [\"Content-Type\"] = \"application/json\"}, [==[%s]==]},"
            % (method, target, token, payload)
        )
    lines += [
        "}",
        "local reqs = {}",
        "init = function(args)",
        "  for k, d in ipairs(data) do reqs[k] = wrk.format(d[1], d[2], d[3], d[4]) end",
        "end",
        "local i = 0",
        "request = function()",
        "  i = i % #reqs + 1",
        "  return reqs[i]",
        "end",
        "local threads = {}",
        "setup = function(thread) table.insert(threads, thread) end",
        "unexpected = 0",
        "response = function(status, headers, body)",
        "  if status >= 300 then unexpected = unexpected + 1 end",
        "end",
        "done = function(summary, latency, requests)",
        "  local n = 0",
        "  for _, t in ipairs(threads) do n = n + t:get(\"unexpected\") end",
        "  io.write(string.format(\"Not 2xx: %d\\n\", n))",
        "end",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def login(base: str, email: str) -> str:
    status, body = http("POST", f"{base}/api/v1/auth/token", form={"grant_type": "password", "username": email, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"sign-in of {email} failed: {status} {body}")
    return body["access_token"]


def prepare(base: str, tag: str, teachers: int) -> dict:
    """Tokens, the unified plan, and a draft individual plan for each of `teachers` teachers."""
    director = login(base, f"t0.{tag}-1@gen.usul.kg")
    deputy = login(base, f"t1.{tag}-1@gen.usul.kg")
    _, me = http("GET", f"{base}/api/v1/me", director)
    school = me["school_id"] if "school_id" in me else me["school"]["id"]
    _, plans = http("GET", f"{base}/api/v1/plans?limit=50", director)
    unified = next(p for p in plans["items"] if p["kind"] == "school")
    _, plan = http("GET", f"{base}/api/v1/plans/{unified['id']}", director)
    items = [i["id"] for i in plan["items"]]
    writers = []
    for k in range(2, 2 + teachers):
        token = login(base, f"t{k}.{tag}-1@gen.usul.kg")
        status, made = http(
            "POST",
            f"{base}/api/v1/plans",
            token,
            {"kind": "individual", "year": "2022-2023", "title": "Жекече план", "personal_theme": "Бенчмарк"},
        )
        if status not in (200, 201):
            raise SystemExit(f"creating a plan failed: {status} {made}")
        writers.append((token, made["id"]))
    return {"director": director, "deputy": deputy, "school": school, "unified": unified["id"], "items": items, "writers": writers}


def start_service(binary: str, db_url: str, port: int, files: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        USUL_DATABASE_URL=db_url,
        USUL_BIND=f"127.0.0.1:{port}",
        USUL_JWT_SECRET=SECRET,
        USUL_TOKEN_REQUESTS_PER_MINUTE="0",
        USUL_FILES_DIR=files,
        USUL_WORKERS="2",
        RUST_LOG="warn",
    )
    return subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench_db(kind: str, args, binaries: dict, ceiling_url: str) -> list[dict]:
    work = tempfile.mkdtemp(prefix=f"usul-bench-{kind}-")
    if kind == "sqlite":
        db_url = f"sqlite://{work}/bench.db?mode=rwc"
        empty_url = f"sqlite://{work}/empty.db?mode=rwc"
    else:
        admin = args.pg_admin_url
        for name in ("usul_bench", "usul_bench_empty"):
            sh("psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}")
        base = admin.rsplit("/", 1)[0]
        tls = f"?sslmode={args.pg_sslmode}"
        db_url, empty_url = f"{base}/usul_bench{tls}", f"{base}/usul_bench_empty{tls}"

    # Start-up on an empty database, migrations included.
    t0 = time.monotonic()
    proc = start_service(binaries["usul"], empty_url, SERVICE_PORT, f"{work}/files")
    try:
        startup = wait_healthy(SERVICE_PORT) + 0 * t0
    finally:
        proc.terminate()
        proc.wait()

    out = sh(
        binaries["usul"], "generate", "--schools", "1", "--staff", str(args.staff), "--items", "50",
        env=dict(os.environ, USUL_DATABASE_URL=db_url),
    ).stdout
    tag = re.search(r"t0\.(\w+)-1@gen\.usul\.kg", out).group(1)

    rows: list[dict] = []
    services = [start_service(binaries["usul"], db_url, SERVICE_PORT + n, f"{work}/files") for n in range(args.instances)]
    try:
        for n in range(args.instances):
            wait_healthy(SERVICE_PORT + n)
        base = f"http://127.0.0.1:{SERVICE_PORT}"
        ctx = prepare(base, tag, args.writers)
        sampler = RssSampler([s.pid for s in services])
        reads = [
            ("/healthz", None),
            ("GET /me", "/api/v1/me"),
            ("GET /catalogue/forms", "/api/v1/catalogue/forms"),
            ("GET /plans/{id} (50 items)", f"/api/v1/plans/{ctx['unified']}"),
            ("GET /plans?limit=50", "/api/v1/plans?limit=50"),
            ("GET /schools/{id}/staff?limit=50", f"/api/v1/schools/{ctx['school']}/staff?limit=50"),
        ]
        ceilings = [wrk(ceiling_url, args)]
        measured = []
        for label, path in reads:
            if args.only and args.only not in label:
                continue
            target = path or "/healthz"
            if args.instances == 1:
                r = wrk(base + target, args, None if path is None else ctx["director"])
            else:
                r = parallel_wrk([f"http://127.0.0.1:{SERVICE_PORT + n}{target}" for n in range(args.instances)], args, None if path is None else ctx["director"])
            measured.append((label, r))
        if args.instances == 1 and (not args.only or args.only in "writes"):
            script = os.path.join(work, "writes.lua")
            requests = []
            for k, (token, plan) in enumerate(ctx["writers"]):
                requests.append(("POST", f"/api/v1/plans/{plan}/items", token, {"title": f"Ачык сабак {k}", "form": "open_lesson"}))
                item = ctx["items"][k % len(ctx["items"])]
                requests.append(("PATCH", f"/api/v1/plans/{ctx['unified']}/items/{item}/progress", ctx["deputy"], {"progress": "partly_done", "outcome": "Жарым-жартылай аткарылды"}))
            lua_requests(script, requests)
            measured.append(("writes: add item / record progress", wrk(base + "/", args, None, script)))
        ceilings.append(wrk(ceiling_url, args))
        ceiling = sum(c["rps"] for c in ceilings) / len(ceilings)
        under_load = sampler.done()
        rss = max(status_mib(s.pid, "VmHWM") for s in services)
        rows.append({"db": kind, "label": f"ceiling (bare actix-web, mean of {len(ceilings)})", "rps": ceiling, "p50": ceilings[0]["p50"], "p99": max(c["p99"] for c in ceilings), "bad": 0, "ratio": 1.0})
        for label, r in measured:
            rows.append({"db": kind, "label": label, **r, "ratio": r["rps"] / ceiling})
        rows.append({"db": kind, "label": f"peak RSS under the load {under_load:.0f} MiB (with the sign-ins before it {rss:.0f} MiB); start-up with migrations {startup * 1000:.0f} ms", "summary": True})
    finally:
        for s in services:
            s.terminate()
            s.wait()
        if kind == "sqlite" and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def parallel_wrk(urls: list[str], args, token: str | None) -> dict:
    """One wrk per instance, at the same time, connections split between them."""
    procs = []
    per = max(1, args.connections // len(urls))
    for url in urls:
        cmd = ["wrk", "-t1", f"-c{per}", f"-d{args.duration}s", "--latency"]
        if token:
            cmd += ["-H", f"Authorization: Bearer {token}"]
        procs.append(subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, text=True))
    outs = [p.communicate()[0] for p in procs]
    rps = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1)) for o in outs)
    p50 = max(ms(re.search(r"^\s+50%\s+(\S+)", o, re.M).group(1)) for o in outs)
    p99 = max(ms(re.search(r"^\s+99%\s+(\S+)", o, re.M).group(1)) for o in outs)
    bad = sum(int(m.group(1)) for o in outs if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", o)))
    return {"rps": rps, "p50": p50, "p99": p99, "bad": bad}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    p.add_argument("--duration", type=int, default=10, help="seconds per target")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--staff", type=int, default=120)
    p.add_argument("--writers", type=int, default=60, help="teachers whose plans take items")
    p.add_argument("--instances", type=int, default=1, help="service processes (reads only when > 1)")
    p.add_argument("--pg-admin-url", default=os.environ.get("USUL_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    p.add_argument(
        "--pg-sslmode",
        default="disable",
        help="the service's sslmode to PostgreSQL (default: disable, as over loopback or a private network; "
        "prefer or require measure TLS too)",
    )
    p.add_argument("--only", help="run only the targets whose label contains this")
    p.add_argument("--skip-build", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the SQLite work directory")
    args = p.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    if not args.skip_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "usul-api", "-p", "usul-ceiling"], cwd=ROOT, check=True)
    binaries = {"usul": os.path.join(target, "release", "usul"), "ceiling": os.path.join(target, "release", "usul-ceiling")}
    ceiling = subprocess.Popen([binaries["ceiling"], f"127.0.0.1:{CEILING_PORT}", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows: list[dict] = []
    try:
        wait_healthy_ceiling()
        for kind in (["sqlite", "pg"] if args.db == "both" else [args.db]):
            rows += bench_db(kind, args, binaries, f"http://127.0.0.1:{CEILING_PORT}/hello")
    finally:
        ceiling.terminate()
        ceiling.wait()
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.instances} instance(s), {os.cpu_count()} cores, PostgreSQL sslmode={args.pg_sslmode}\n")
    print("| db | target | req/s | p50 ms | p99 ms | of ceiling | not 2xx/3xx |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        if r.get("summary"):
            print(f"| {r['db']} | {r['label']} | | | | | |")
        else:
            print(f"| {r['db']} | {r['label']} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['ratio'] * 100:.1f} % | {r['bad']} |")


def wait_healthy_ceiling(timeout: float = 10.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{CEILING_PORT}/hello", timeout=1):
                return
        except Exception:
            time.sleep(0.02)
    raise SystemExit("the ceiling did not start")


if __name__ == "__main__":
    sys.exit(main())
