"""Hold N concurrent REST conversations for a fixed time; print messages/s and latency.

    python benchmarks/load.py --users 16 --seconds 60                 # this assistant
    python benchmarks/load.py --users 16 --seconds 60 --with-baseline # and `rasa init`'s bot

Each simulated customer repeats a realistic conversation (greeting, order lookup through
the form with a database query, a ticket check, thanks) with a new sender id each round,
waiting for every reply before sending the next message, like a person would (no think
time, so this is the server's throughput ceiling). The assistant is started exactly as
`python -m bot run` starts it, on free ports, with a throwaway var/ folder.

--language ja runs the same conversation in Japanese, --language mix half of the customers in
each language (the p50 of each script is printed too: script0 English, script1 Japanese).

--with-baseline also creates `rasa init`'s demo bot in a temporary folder, trains it
and measures it the same way, in the same run, so the two figures are comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

ASSISTANT_SCRIPT = [
    "hi",
    "where is my order?",
    "100234",
    "alice@example.com",
    "what's the status of ticket T-000001",
    "thanks",
]
# The same conversation in Japanese (full-width order number, a ticket reference in a sentence).
ASSISTANT_SCRIPT_JA = [
    "こんにちは",
    "注文の配送状況を教えてください",
    "１００２３４",
    "alice@example.com",
    "チケットT-000001の状況はどうなっていますか",
    "ありがとうございました",
]
SCRIPTS = {"en": [ASSISTANT_SCRIPT], "ja": [ASSISTANT_SCRIPT_JA], "mix": [ASSISTANT_SCRIPT, ASSISTANT_SCRIPT_JA]}
# rasa init's bot: greet -> mood -> (affirm) -> goodbye.
INIT_SCRIPT = ["hello", "I am sad", "yes", "great", "bye"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Result:
    name: str
    users: int
    seconds: float
    latencies: List[float]
    errors: int
    by_script: Dict[int, List[float]] = dataclasses.field(default_factory=dict)  # with several scripts

    def summary(self) -> dict:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000 if lat else float("nan")

        return {
            "bot": self.name,
            "users": self.users,
            "messages": len(lat),
            "errors": self.errors,
            "msg_per_s": round(len(lat) / self.seconds, 1),
            "p50_ms": round(pct(50)),
            "p95_ms": round(pct(95)),
            "mean_ms": round(statistics.fmean(lat) * 1000) if lat else None,
            **{
                f"script{i}_p50_ms": round(statistics.median(v) * 1000)
                for i, v in sorted(self.by_script.items())
                if v and len(self.by_script) > 1
            },
        }


async def _customer(
    session: aiohttp.ClientSession, url: str, script: List[str], deadline: float, result: Result, which: int = 0
) -> None:
    while time.monotonic() < deadline:
        sender = f"load-{uuid.uuid4().hex[:12]}"
        for text in script:
            if time.monotonic() >= deadline:
                return
            started = time.monotonic()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    body = await response.read()
                    if response.status != 200 or not json.loads(body or b"[]"):
                        result.errors += 1
                        continue
            except (TimeoutError, aiohttp.ClientError):
                result.errors += 1
                continue
            result.latencies.append(time.monotonic() - started)
            result.by_script.setdefault(which, []).append(result.latencies[-1])


async def measure(
    name: str, base_url: str, scripts: List[List[str]], users: int, seconds: float, warmup: float
) -> Result:
    """`users` customers, each repeating one of `scripts` (round robin: a mix of languages)."""
    url = f"{base_url}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=users * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        if warmup:
            await asyncio.gather(
                *[
                    _customer(
                        session,
                        url,
                        scripts[i % len(scripts)],
                        time.monotonic() + warmup,
                        Result(name, users, warmup, [], 0),
                    )
                    for i in range(min(users, 4))
                ]
            )
        result = Result(name, users, seconds, [], 0)
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *[
                _customer(session, url, scripts[i % len(scripts)], deadline, result, i % len(scripts))
                for i in range(users)
            ]
        )
    return result


def rss_mb(pid: int) -> Optional[float]:
    """Resident memory of a process, in MB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def start_profile(pid: int, seconds: float, out: Path) -> Optional[subprocess.Popen]:
    """py-spy sampling the process while the load runs (raw collapsed stacks, summarised later)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy not found: `pip install py-spy` to profile", file=sys.stderr)
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "50",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_assistant(
    users: List[int],
    seconds: float,
    warmup: float,
    profile: Optional[Path] = None,
    label: str = "this assistant",
    language: str = "en",
) -> List[Result]:
    from bot import settings as settings_module
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from bot.training import ensure_model

    var = Path(tempfile.mkdtemp(prefix="bench-var-"))
    os.environ["VAR_DIR"] = str(var)
    settings = dataclasses.replace(
        settings_module.load(), port=free_port(), actions_port=free_port(), log_level="WARNING"
    )
    model = ensure_model(settings)
    db.configure(settings.app_database_url)
    ensure_seeded()
    from bot.store.tickets import open_ticket

    open_ticket("Benchmark ticket", "For the load test", "alice@example.com")  # T-000001 exists
    # All simulated customers come from 127.0.0.1: the per-address limit (meant for one client
    # machine, RATE_LIMIT_ADDRESS) would otherwise measure the limiter, not the assistant.
    # Everything else is the README's default configuration.
    env = {"VAR_DIR": str(var), "LOG_LEVEL": "WARNING", "RATE_LIMIT_ADDRESS": "100000/second"}
    results = []
    try:
        with Stack(settings, model, env=env, log_dir=var / "logs") as stack:
            pids = {p.name: p.pid for p in stack.processes}  # type: ignore[attr-defined]
            for n in users:
                spy = start_profile(pids["rasa"], seconds, profile / f"{label}-{n}.txt") if profile else None
                results.append(asyncio.run(measure(label, stack.rasa_url, SCRIPTS[language], n, seconds, warmup)))
                if spy is not None:
                    spy.wait(seconds + 60)
                memory = {name: rss_mb(pid) for name, pid in pids.items()}
                print(json.dumps({**results[-1].summary(), "rss_mb": memory}), flush=True)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return results


def run_baseline(users: List[int], seconds: float, warmup: float, workdir: Optional[Path]) -> List[Result]:
    """`rasa init`'s bot, trained and served with Rasa's own `rasa run` on this machine."""
    folder = workdir or Path(tempfile.mkdtemp(prefix="bench-rasa-init-"))
    rasa = [sys.executable, "-m", "rasa"]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    if not list((folder / "models").glob("*.tar.gz")):
        subprocess.run(
            [*rasa, "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    server = subprocess.Popen(
        [*rasa, "run", "--enable-api", "-p", str(port), "-i", "127.0.0.1"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
    try:
        import urllib.request

        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("rasa init bot did not start") from None
                time.sleep(0.5)
        for n in users:
            results.append(
                asyncio.run(
                    measure("rasa init (baseline)", f"http://127.0.0.1:{port}", [INIT_SCRIPT], n, seconds, warmup)
                )
            )
            print(json.dumps(results[-1].summary()), flush=True)
    finally:
        server.terminate()
        server.wait(30)
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--users", type=int, nargs="+", default=[16], help="concurrent customers (several values: one run each)"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--with-baseline", action="store_true", help="also measure rasa init's bot in the same run")
    parser.add_argument("--baseline-dir", type=Path, help="reuse a rasa init folder (skips re-training it)")
    parser.add_argument("--profile", type=Path, help="sample the Rasa server with py-spy into this folder")
    parser.add_argument("--label", default="this assistant", help="name of this checkout in the results")
    parser.add_argument(
        "--language",
        choices=sorted(SCRIPTS),
        default="en",
        help="the customers' conversation: English, Japanese, or half of each (p50 per script printed)",
    )
    args = parser.parse_args()

    results = run_assistant(args.users, args.seconds, args.warmup, args.profile, args.label, args.language)
    if args.with_baseline:
        results += run_baseline(args.users, args.seconds, args.warmup, args.baseline_dir)
    print("\n| bot | users | msg/s | p50 ms | p95 ms | errors |\n|---|---|---|---|---|---|")
    for result in results:
        s = result.summary()
        print(f"| {s['bot']} | {s['users']} | {s['msg_per_s']} | {s['p50_ms']} | {s['p95_ms']} | {s['errors']} |")


if __name__ == "__main__":
    main()
