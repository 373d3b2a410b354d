"""Scale-out benchmark: one Rasa server vs a two-server cluster, over REST and Socket.IO.

    python benchmarks/cluster_load.py --conversations 64 --messages 20 --transports rest,socketio --servers 1,2
    python benchmarks/cluster_load.py --quick        # 8 conversations x 5 messages, a smoke run

Every configuration is started by tests/cluster/harness.py (`running_cluster`), so both run on
the SAME storage kind, a private PostgreSQL schema (trackers, app database) and a private
redis-server (lock store, Socket.IO manager, events, rate limits): the only difference between
them is the number of Rasa servers. Each configuration is started, measured over every transport
and stopped before the next one starts.

Each conversation is a fresh sender sending a realistic script (greeting, the order form,
a ticket status, help-centre questions, thanks; cycled to --messages), one message after another,
waiting for every reply like a person would (no think time: the throughput ceiling).
Conversation i talks to server i % N for all its messages (no cross-server alternation here;
tests/cluster/test_cluster.py covers that). REST goes through aiohttp, Socket.IO through the
widget client of tests/channels/webchat_client.py (long-polling), all concurrent in one loop.

Errors: HTTP status != 200, exceptions, timeouts, an empty reply, a Socket.IO `error` event.
Afterwards every conversation's tracker is read through Rasa's HTTP API and its user messages
are compared with what was sent: missing ones are "lost", ones out of place "reordered", extra
copies "dup". The resident memory of every child process, the redis-server and this client is
sampled each second (the table shows the peak), and their CPU time over the run is summed (with
the machine's, so a busy machine shows). Exit code 1 if any error, lost, reordered or dup message.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import json
import logging
import os
import shutil
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

from benchmarks.load import rss_mb  # noqa: E402

SCRIPT = ["hi", "where is my order?", "100234", "alice@example.com", "what's the status of ticket T-000001"]
SCRIPT += ["how do I return an item?", "do you ship internationally?", "thanks", "how long does delivery take?"]
SCRIPT += ["can I cancel my order?", "thank you, bye"]
TIMEOUT = 120
# All simulated customers come from 127.0.0.1: lift the per-address limit (as benchmarks/load.py),
# and log at WARNING as load.py's single server does; everything else is the harness's cluster.
ENV = {"RATE_LIMIT_ADDRESS": "100000/second", "LOG_LEVEL": "WARNING"}
# WidgetClient.close() aborts the long-poll on purpose; engine.io logs that as an error.
logging.getLogger("engineio.client").setLevel(logging.CRITICAL)


def script(messages: int) -> List[str]:
    return [SCRIPT[i % len(SCRIPT)] for i in range(messages)]


@dataclasses.dataclass
class Conversation:
    server: str  # base URL it talks to
    sent: List[str] = dataclasses.field(default_factory=list)
    sender_id: Optional[str] = None  # the tracker's id


@dataclasses.dataclass
class Run:
    servers: int
    transport: str
    latencies: List[float] = dataclasses.field(default_factory=list)
    error_kinds: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    seconds: float = 0.0
    lost: int = 0
    reordered: int = 0
    dup: int = 0
    peak_rss: Dict[str, float] = dataclasses.field(default_factory=dict)
    cpu: Dict[str, float] = dataclasses.field(default_factory=dict)  # CPU seconds during the run

    def progress(self) -> dict:
        counts = {"messages": len(self.latencies), "seconds": round(self.seconds, 1), "errors": dict(self.error_kinds)}
        found = {"lost": self.lost, "reordered": self.reordered, "dup": self.dup}
        return {**counts, **found, "loadavg_1min": round(os.getloadavg()[0], 2)}

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    def error(self, kind: str) -> None:
        self.error_kinds[kind] += 1

    def pct(self, p: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000 if lat else float("nan")


async def rest_conversation(session: aiohttp.ClientSession, conv: Conversation, texts: List[str], run: Run) -> None:
    sender = f"cl-{uuid.uuid4().hex[:12]}"
    conv.sender_id = f"rest:{sender}"  # the REST channel prefixes it server-side
    for text in texts:
        conv.sent.append(text)
        started = time.monotonic()
        try:
            async with session.post(
                f"{conv.server}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as r:
                if r.status != 200 or not json.loads(await r.read() or b"[]"):
                    run.error(f"http {r.status}" if r.status != 200 else "empty reply")
                    continue
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            run.error("timeout" if isinstance(exc, TimeoutError) else type(exc).__name__)
            continue
        run.latencies.append(time.monotonic() - started)


async def widget_conversation(conv: Conversation, texts: List[str], run: Run) -> None:
    from tests.channels.webchat_client import WidgetClient

    client = WidgetClient(conv.server)
    try:
        try:
            conv.sender_id = await client.connect()
        except Exception as exc:  # noqa: BLE001 - counted, the others go on
            run.error(f"connect {type(exc).__name__}")
            return
        for text in texts:
            conv.sent.append(text)
            before, started = len(client.errors), time.monotonic()
            turn = asyncio.ensure_future(client.say(text, timeout=TIMEOUT))
            # An `error` event comes instead of typing on/off: stop waiting at once when one does.
            while not turn.done() and len(client.errors) == before:
                await asyncio.wait({turn}, timeout=0.1)
            if len(client.errors) > before:
                turn.cancel()
                run.error(f"error event {client.errors[-1].get('error')}")
                continue
            try:
                replies = turn.result().replies
            except Exception as exc:  # noqa: BLE001 - a timeout or a dropped connection: counted
                run.error("timeout" if isinstance(exc, TimeoutError) else type(exc).__name__)
                continue
            if not replies:
                run.error("empty reply")
                continue
            run.latencies.append(time.monotonic() - started)
    finally:
        await client.close()


def lcs(a: List[str], b: List[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


async def check_trackers(session: aiohttp.ClientSession, convs: List[Conversation], token: str, run: Run) -> None:
    """Compare each tracker's user messages with what was sent: lost, reordered, duplicated."""
    gate = asyncio.Semaphore(8)

    async def one(conv: Conversation) -> None:
        if conv.sender_id is None:
            run.lost += len(conv.sent)
            return
        async with gate:
            url = f"{conv.server}/conversations/{conv.sender_id}/tracker?token={token}"
            async with session.get(url) as r:
                events = (await r.json())["events"] if r.status == 200 else []
        said = [e.get("text") for e in events if e["event"] == "user"]
        missing = collections.Counter(conv.sent) - collections.Counter(said)
        extra = collections.Counter(said) - collections.Counter(conv.sent)
        run.lost += sum(missing.values())
        run.dup += sum(extra.values())
        run.reordered += len(conv.sent) - sum(missing.values()) - lcs(conv.sent, said)

    await asyncio.gather(*[one(c) for c in convs])


def cpu_seconds(pids: Dict[str, int]) -> Dict[str, float]:
    """CPU time (user + system) of each process and, as "machine", of all of them (/proc)."""
    tick, used = os.sysconf("SC_CLK_TCK"), {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / tick  # all but idle and iowait
    return used


async def sample_memory(pids: Dict[str, int], peak: Dict[str, float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for name, pid in pids.items():
            mb = rss_mb(pid)
            if mb is not None:
                peak[name] = max(peak.get(name, 0.0), mb)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


async def measure(stack, pids: Dict[str, int], transport: str, conversations: int, messages: int) -> Run:
    run = Run(len(stack.rasa_urls), transport)
    urls, texts = stack.rasa_urls, script(messages)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=conversations * 2)) as s:

        def talk(conv: Conversation, texts: List[str], into: Run):
            if transport == "rest":
                return rest_conversation(s, conv, texts, into)
            return widget_conversation(conv, texts, into)

        # Warm-up (not counted): the whole script once per server over this transport, so no
        # figure includes first-request costs (TensorFlow graphs, connection pools, the index).
        await asyncio.gather(*[talk(Conversation(u), SCRIPT, Run(run.servers, transport)) for u in urls])
        convs = [Conversation(urls[i % len(urls)]) for i in range(conversations)]
        stop, peak = asyncio.Event(), run.peak_rss
        sampler = asyncio.ensure_future(sample_memory(pids, peak, stop))
        started, cpu_before = time.monotonic(), cpu_seconds(pids)
        await asyncio.gather(*[talk(c, texts, run) for c in convs])
        run.seconds = time.monotonic() - started
        run.cpu = {k: v - cpu_before.get(k, v) for k, v in cpu_seconds(pids).items()}
        stop.set()
        await sampler
        await check_trackers(s, convs, stack.tokens.api, run)
    return run


def run_configuration(model: Path, servers: int, transports: List[str], conversations: int, messages: int) -> List[Run]:
    from tests.cluster.harness import running_cluster

    var = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    runs = []
    try:
        print(f"starting {servers} Rasa server(s) + action server on PostgreSQL + Redis ...", flush=True)
        with running_cluster(var, model, servers=servers, extra_env=ENV) as (stack, redis):
            from bot.store.tickets import open_ticket

            ticket = open_ticket("Benchmark ticket", "For the load test", "alice@example.com")
            assert ticket.reference == "T-000001", ticket.reference  # the one the script asks about
            pids = {p.name: p.pid for p in stack.processes}  # type: ignore[attr-defined]
            if redis.process is not None:
                pids["redis"] = redis.process.pid
            pids["client"] = os.getpid()  # this load generator
            for transport in transports:
                run = asyncio.run(measure(stack, pids, transport, conversations, messages))
                runs.append(run)
                print(json.dumps({"servers": servers, "transport": transport, **run.progress()}), flush=True)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return runs


def print_table(runs: List[Run], conversations: int, messages: int) -> None:
    print(
        f"\n{conversations} conversations x {messages} messages; every configuration on the same storage "
        "(PostgreSQL tracker store + app database, Redis lock store / Socket.IO / events / rate limits): "
        "only the number of Rasa servers differs.\n"
    )
    columns = "servers transport messages seconds msg/s p50_ms p95_ms max_ms errors lost reordered dup peak_RSS_MB"
    print("| " + " | ".join(c.replace("_", " ") for c in columns.split()) + " |\n" + "|---" * 13 + "|")
    for r in runs:
        rss = ", ".join(f"{name} {mb:,.0f}" for name, mb in r.peak_rss.items())
        rate = len(r.latencies) / r.seconds if r.seconds else 0
        print(
            f"| {r.servers} | {r.transport} | {len(r.latencies)} | {r.seconds:.1f} | {rate:.1f} | {r.pct(50):.0f} "
            f"| {r.pct(95):.0f} | {r.pct(100):.0f} | {r.errors} | {r.lost} | {r.reordered} | {r.dup} | {rss} |"
        )
    by = {(r.servers, r.transport): len(r.latencies) / r.seconds for r in runs if r.seconds}
    for transport in sorted({r.transport for r in runs}):
        counts = sorted(n for n, t in by if t == transport)
        if len(counts) > 1 and by.get((counts[0], transport)):
            lo, hi = counts[0], counts[-1]
            ratio = by[(hi, transport)] / by[(lo, transport)]
            print(f"{transport}: {hi} servers / {lo} server throughput = {ratio:.2f}x")
    cores = os.cpu_count() or 1
    print(f"\nCPU during each run ({cores} cores; 'rest of machine' is PostgreSQL and anything else running)\n")
    print(
        "| servers | transport | CPU ms/msg (these processes) | CPU s per process | rest of machine |\n"
        + "|---" * 5
        + "|"
    )
    for r in runs:
        ours = {k: v for k, v in r.cpu.items() if k != "machine"}
        rest = (r.cpu.get("machine", 0) - sum(ours.values())) / (r.seconds * cores) * 100 if r.seconds else 0
        per_msg = sum(ours.values()) / max(1, len(r.latencies)) * 1000
        each = ", ".join(f"{k} {v:.1f}" for k, v in ours.items())
        print(f"| {r.servers} | {r.transport} | {per_msg:.0f} | {each} | {rest:.0f} % of {cores} cores |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=64)
    parser.add_argument("--messages", type=int, default=20, help="per conversation (the script is cycled)")
    parser.add_argument("--transports", default="rest,socketio", help="comma-separated: rest, socketio")
    parser.add_argument("--servers", default="1,2", help="comma-separated server counts, one configuration each")
    parser.add_argument("--quick", action="store_true", help="smoke run: 8 conversations x 5 messages")
    parser.add_argument("--model", type=Path, help="model archive (default: the current one, trained if needed)")
    args = parser.parse_args()
    if args.quick:
        args.conversations, args.messages = 8, 5
    transports = [t.strip() for t in args.transports.split(",") if t.strip()]
    if set(transports) - {"rest", "socketio"}:
        parser.error("--transports takes rest and/or socketio")
    model = args.model
    if model is None:
        from bot import settings as settings_module
        from bot.training import ensure_model

        model = ensure_model(settings_module.load())
    runs = []
    for servers in [int(n) for n in args.servers.split(",")]:
        runs += run_configuration(model, servers, transports, args.conversations, args.messages)
    print_table(runs, args.conversations, args.messages)
    return 1 if any(r.errors or r.lost or r.reordered or r.dup for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
