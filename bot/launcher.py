"""Start the action server and the Rasa server(s) as child processes, and stop them together.

Used by `python -m bot run` / `shell` and by the end-to-end and cluster tests, so what the tests
exercise is exactly what a user starts. `servers=N` starts N Rasa servers on ports PORT ...
PORT+N-1 (a local cluster: only on shared storage, see `check_cluster`); `actions=False` starts
none of the action server (another host runs it: ACTION_SERVER_URL).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot import instance_secrets
from bot.settings import ConfigError, Settings


class StartupError(RuntimeError):
    pass


def _address_file(var_dir: Path) -> Path:
    return var_dir / "run" / "address.json"


def running_base_url(var_dir: Path) -> Optional[str]:
    """The address a running `python -m bot run` on this var/ folder serves (its --port and
    PUBLIC_URL included), or None when none is running: what `agents add` tells new agents."""
    try:
        recorded = json.loads(_address_file(var_dir).read_text(encoding="utf-8"))
        pid = int(recorded["pid"])
        if pid <= 0:
            return None
        os.kill(pid, 0)  # still running?
        return str(recorded["base_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_cluster(settings: Settings, servers: int) -> None:
    """Refuse a cluster on storage one process owns (SQLite, in-memory locks): ConfigError."""
    if servers < 1:
        raise ConfigError("--servers must be at least 1")
    problems = settings.store.problems_for_cluster() if servers > 1 else ()
    if problems:
        raise ConfigError(
            f"{servers} Rasa servers need storage they can share (docs/DEPLOY.md):\n  - " + "\n  - ".join(problems)
        )


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except urllib.error.HTTPError as err:
        return err.code < 500
    except OSError:
        return False


@dataclass
class Stack:
    """The two processes that make up a running assistant."""

    settings: Settings
    model_path: Path
    env: Dict[str, str] = field(default_factory=dict)
    log_dir: Optional[Path] = None  # None: children share this terminal
    servers: int = 1
    actions: bool = True
    processes: List[subprocess.Popen] = field(default_factory=list)
    tokens: instance_secrets.Tokens = field(init=False)

    def __post_init__(self) -> None:
        check_cluster(self.settings, self.servers)
        # Every server must agree on the tokens: resolved once here and handed to each.
        self.tokens = instance_secrets.resolve(self.settings)

    @property
    def api_token(self) -> str:
        return self.tokens.api

    def api_url(self, path: str) -> str:
        """A Rasa HTTP API address with the token (`stack.api_url("/conversations/x/tracker")`)."""
        separator = "&" if "?" in path else "?"
        return f"{self.rasa_url}{path}{separator}token={self.tokens.api}"

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def rasa_urls(self) -> List[str]:
        """Every Rasa server's address, in port order."""
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    @property
    def ports(self) -> List[int]:
        return [self.settings.port + index for index in range(self.servers)]

    @staticmethod
    def rasa_name(index: int) -> str:
        return "rasa" if index == 0 else f"rasa-{index}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.actions_port}"

    def _child_env(self, port: int) -> Dict[str, str]:
        env = {**os.environ, **self.env}
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            PORT=str(port),
            ACTIONS_PORT=str(self.settings.actions_port),
            PYTHONUNBUFFERED="1",
            RASA_API_TOKEN=self.tokens.api,
            ACTION_SERVER_TOKEN=self.tokens.actions,
            ADDRESS_HASH_KEY=self.tokens.address_salt,
        )
        return env

    def _threads_env(self) -> Dict[str, str]:
        """Several Rasa servers on one machine share its cores: give each its share of math
        threads (TensorFlow and PyTorch otherwise each size their pools to every core, and N
        servers' pools fight over them: docs/PERFORMANCE.md, "Scale-out"). A value already in the
        environment wins."""
        if self.servers < 2:
            return {}
        share = str(max(1, (os.cpu_count() or 1) // self.servers))
        names = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
        return {name: share for name in names if not (self.env.get(name) or os.environ.get(name))}

    def _spawn(self, name: str, args: List[str], port: Optional[int] = None) -> subprocess.Popen:
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=self.settings.root,
            env={
                **self._child_env(port or self.settings.port),
                **(self._threads_env() if name.startswith("rasa") else {}),
            },
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
        process.name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def start_actions(self, timeout: float = 60) -> None:
        self._spawn("actions", ["actions"])
        self._wait_for(f"{self.actions_url}/health", timeout)

    def start_rasa(self, timeout: float = 300, index: Optional[int] = None) -> None:
        """Start every Rasa server (they load in parallel), or only server `index` (a restart)."""
        indexes = range(self.servers) if index is None else [index]
        for i in indexes:
            self._spawn(self.rasa_name(i), ["serve", "--model", str(self.model_path)], port=self.ports[i])
        for i in indexes:
            self._wait_for(f"{self.rasa_urls[i]}/", timeout)

    def start(self, timeout: float = 300) -> Stack:
        try:
            if self.actions:
                self.start_actions(timeout)
            self.start_rasa(timeout)
        except BaseException:
            self.stop()
            raise
        self._record_address()
        return self

    def _record_address(self) -> None:
        path = _address_file(self.settings.var_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"pid": os.getpid(), "base_url": self.settings.base_url}), encoding="utf-8")

    def _wait_for(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise StartupError(f"{process.name} exited with code {process.returncode} during start-up")  # type: ignore[attr-defined]
            if _reachable(url):
                return
            time.sleep(0.3)
        raise StartupError(f"{url} did not answer within {timeout:.0f} s")

    def stop_process(self, name: str, timeout: float = 15) -> None:
        for process in [p for p in self.processes if p.name == name]:  # type: ignore[attr-defined]
            self._terminate(process, timeout)
            self.processes.remove(process)

    def kill(self, name: str) -> None:
        """SIGKILL a child, as a crash or the OOM killer would (no clean shutdown)."""
        for process in [p for p in self.processes if p.name == name]:  # type: ignore[attr-defined]
            process.kill()
            process.wait()
            self.processes.remove(process)

    @staticmethod
    def _terminate(process: subprocess.Popen, timeout: float) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self, timeout: float = 15) -> None:
        # Rasa first, so no conversation is mid-way through calling a stopped action server.
        for process in reversed(self.processes):
            self._terminate(process, timeout)
        self.processes.clear()
        self._forget_address()

    def _forget_address(self) -> None:
        """Remove the address file if this process wrote it (not another run's)."""
        path = _address_file(self.settings.var_dir)
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError, AttributeError):
            pass

    def wait(self) -> int:
        """Block until a child exits (a crash) and return its exit code."""
        while True:
            for process in self.processes:
                code = process.poll()
                if code is not None:
                    return code
            time.sleep(0.5)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
