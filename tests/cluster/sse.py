"""Reading the desk's live updates (server-sent events) in a thread, as a desk page does."""

from __future__ import annotations

import json
import threading
from typing import Any, Dict, List

import requests


class EventStream:
    def __init__(self, session: requests.Session, url: str) -> None:
        self.events: List[Dict[str, Any]] = []
        self._response = session.get(url, stream=True, timeout=(10, 60))
        self._response.raise_for_status()
        self._thread = threading.Thread(target=self._read, name="desk-sse", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        data = []
        try:
            for line in self._response.iter_lines(decode_unicode=True):
                if line is None:
                    continue
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and data:
                    self.events.append(json.loads("\n".join(data)))
                    data = []
        except (requests.RequestException, ValueError, AttributeError):
            pass  # closed

    def of(self, kind: str) -> List[Dict[str, Any]]:
        return [event for event in list(self.events) if event.get("type") == kind]

    def close(self) -> None:
        self._response.close()
