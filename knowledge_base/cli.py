"""`python -m bot kb ...` (not built yet)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="the knowledge base")
    kb.set_defaults(func=lambda args, settings: (kb.print_help(), 0)[1])
