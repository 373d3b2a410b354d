"""A small client for the desk API, as an agent's browser would use it."""

from __future__ import annotations

from typing import Any, Dict, Optional

import requests


class Desk:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/desk/api"
        self.http = requests.Session()

    def login(self, email: str, password: str) -> requests.Response:
        """Sign in; like the desk page, keep the session's CSRF token for every change."""
        response = self.http.post(f"{self.base}/login", json={"email": email, "password": password}, timeout=30)
        if response.ok:
            self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=30, **kwargs)

    def post(self, path: str, body: Optional[Dict[str, Any]] = None) -> requests.Response:
        return self.http.post(f"{self.base}{path}", json=body or {}, timeout=30)

    def queue(self) -> list:
        response = self.get("/queue")
        response.raise_for_status()
        return response.json()["handoffs"]

    def handoff_for(self, sender_id: str) -> Dict[str, Any]:
        matches = [h for h in self.queue() if h["sender_id"] == sender_id]
        assert matches, f"{sender_id} is not in the queue"
        return matches[0]
