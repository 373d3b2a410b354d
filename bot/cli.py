"""`python -m bot ...`: run, shell, train, db, report, and the internal process entry points."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import sys
import urllib.request
import uuid
from typing import List, Optional

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot import settings as settings_module  # noqa: E402
from bot.settings import ConfigError, Settings  # noqa: E402


def _configure_logging(settings: Settings) -> None:
    from bot import log_privacy

    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    log_privacy.install()
    for noisy in ("tensorflow", "absl", "sanic.access", "matplotlib", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _with_port(settings: Settings, port: Optional[int]) -> Settings:
    return dataclasses.replace(settings, port=port) if port else settings


def _prepare(settings: Settings) -> tuple:
    """Database (created and seeded on first start) and a current model."""
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from bot.training import ensure_model

    db.configure(settings.app_database_url)
    seeded = ensure_seeded()
    if seeded:
        print(
            f"Created the database and loaded the demo shop: {seeded.orders_added} orders, "
            f"{seeded.customers_added} customers.",
            flush=True,
        )
    return ensure_model(settings)


def _banner(settings: Settings, stack) -> str:  # noqa: ANN001 - bot.launcher.Stack
    base = settings.base_url
    lines = ["", "The assistant is running."]
    if stack.servers > 1:
        lines.append(
            f"  {stack.servers} Rasa servers (put a load balancer with sticky sessions in front: docs/DEPLOY.md):"
        )
        lines += [f"    {url}" for url in stack.rasa_urls]
        lines.append("  Through the first server (any of them serves every conversation):")
    lines += [
        f"  REST channel:  POST {base}/webhooks/rest/webhook  " + '{"sender": "me", "message": "hi"}',
        *(
            [f"  Website chat:  {base}/demo  (demo shop page; embed {base}/webchat/widget.js)"]
            if settings.webchat.enabled
            else []
        ),
        f"  Agent desk:    {base}/desk/  (accounts: python -m bot agents add EMAIL)",
        f"  HTTP API:      {base}/status?token=<RASA_API_TOKEN>",
        f"  Action server: {stack.actions_url}/health"
        if stack.actions
        else f"  Action server: {settings.action_endpoint_url}",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.launcher import Stack, check_cluster

    settings = _with_port(settings, args.port)
    check_cluster(settings, args.servers)  # before training or touching the database
    model = _prepare(settings)
    stack = Stack(settings, model, servers=args.servers, actions=not args.no_actions)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        stack.start()
        if stack.tokens.api_created:
            print(
                "\nGenerated a token for Rasa's HTTP API (shown once; kept in "
                f"{settings.var_dir / 'secrets' / 'rasa_api_token'}; set RASA_API_TOKEN to choose your own):\n"
                f"  {stack.tokens.api}",
                flush=True,
            )
        print(_banner(settings, stack), flush=True)
        code = stack.wait()
        if code == 0:  # stopped cleanly (Ctrl-C reaches the servers too, often first)
            print("\nStopping...", flush=True)
            return 0
        print(f"A server process exited with code {code}; stopping.", file=sys.stderr)
        return code if code > 0 else 1  # negative: killed by a signal
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()
        print("Stopped.", flush=True)


def _post(url: str, payload: dict, token: Optional[str], timeout: float = 60) -> List[dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"[]")


def chat_in_terminal(webhook: str, sender: str, token: Optional[str] = None) -> None:
    """A small REST client: prints replies, numbers buttons so typing 2 clicks the second."""
    buttons: List[dict] = []
    print("Type a message (a button's number clicks it; /quit to leave).")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not text:
            continue
        if text in {"/quit", "/exit"}:
            return
        if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = []
        for reply in _post(webhook, {"sender": sender, "message": text}, token):
            if reply.get("text"):
                print("bot> " + reply["text"].replace("\n", "\n     "))
            if reply.get("image"):
                print(f"bot> [image] {reply['image']}")
            for button in reply.get("buttons") or []:
                buttons.append(button)
                print(f"     [{len(buttons)}] {button.get('title')}")


def cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    from bot.launcher import Stack

    settings = _with_port(settings, args.port)
    model = _prepare(settings)
    log_dir = settings.var_dir / "logs"
    print(f"Starting the assistant (server logs in {log_dir})...", flush=True)
    with Stack(settings, model, log_dir=log_dir) as stack:
        chat_in_terminal(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            args.sender or f"shell-{uuid.uuid4().hex[:8]}",
            settings.security.rest_token,
        )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from rasa.utils.log_utils import configure_structlog

    from bot import app, instance_secrets

    _configure_logging(settings)
    # Rasa 3.6 logs through structlog too; unconfigured, structlog prints every debug line
    # (whole tracker states per message), which is noise and costs CPU on every turn.
    configure_structlog(logging.getLevelName(settings.log_level))
    app.serve(settings, args.model, instance_secrets.resolve(settings))
    return 0


def cmd_actions(args: argparse.Namespace, settings: Settings) -> int:
    from bot import action_server, instance_secrets

    _configure_logging(settings)
    action_server.serve(settings, instance_secrets.resolve(settings).actions)
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training import ensure_model

    print(ensure_model(settings, force=args.force))
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import db, migrate
    from bot.store.seed import seed

    db.configure(settings.app_database_url)
    if args.db_command in ("init", "upgrade"):
        before = migrate.current_revision(db.engine())
        created = db.create_schema()
        after = migrate.current_revision(db.engine())
        if created:
            print(f"Created the schema (revision {after}).")
        elif before == after:
            print(f"The schema is up to date (revision {after}); nothing changed.")
        else:
            print(f"Migrated the schema from revision {before or 'none (created before migrations)'} to {after}.")
    elif args.db_command == "current":
        print(migrate.current_revision(db.engine()) or "none: run `python -m bot db upgrade`")
    elif args.db_command == "revision":
        migrate.new_revision(db.engine(), args.message)
    elif args.db_command == "seed":
        summary = seed()
        print(
            f"Demo data: {summary.orders_added} orders and {summary.customers_added} customers added "
            f"({summary.orders_total} orders in the file; existing ones are left as they are)."
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The omnichannel support assistant.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="train if needed, then start the action server and the Rasa server")
    run.add_argument("--port", type=int, help="Rasa server port (default: $PORT or 5005)")
    run.add_argument(
        "--servers",
        type=int,
        default=1,
        help="Rasa servers to start on ports PORT..PORT+N-1 (N>1 needs PostgreSQL and Redis: docs/DEPLOY.md)",
    )
    run.add_argument("--no-actions", action="store_true", help="start no action server (ACTION_SERVER_URL has one)")
    run.set_defaults(func=cmd_run)

    shell = sub.add_parser("shell", help="start the assistant and chat with it in this terminal")
    shell.add_argument("--port", type=int)
    shell.add_argument("--sender", help="conversation id (default: a new one)")
    shell.set_defaults(func=cmd_shell)

    train = sub.add_parser("train", help="train the model if the assistant's data changed")
    train.add_argument("--force", action="store_true", help="train even if a current model exists")
    train.set_defaults(func=cmd_train)

    db = sub.add_parser("db", help="the application database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create the schema or migrate it to the newest revision (Alembic)")
    db_sub.add_parser("init", help="the same as upgrade")
    db_sub.add_parser("current", help="print the schema's revision")
    revision = db_sub.add_parser("revision", help="(development) write a new migration from the models")
    revision.add_argument("-m", "--message", required=True)
    db_sub.add_parser("seed", help="load the demo shop (idempotent)")
    db.set_defaults(func=cmd_db)

    from bot.analytics.cli import register as register_report
    from bot.desk.cli import register as register_agents
    from bot.routing_cli import register as register_routing
    from knowledge_base.cli import register as register_kb

    register_kb(sub)
    register_agents(sub)
    register_routing(sub)
    register_report(sub)

    serve = sub.add_parser("serve", help="(internal) run only the Rasa server")
    serve.add_argument("--model", required=True)
    serve.set_defaults(func=cmd_serve)

    actions = sub.add_parser("actions", help="(internal) run only the action server")
    actions.set_defaults(func=cmd_actions)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    from bot.files import restrict_new_files, secure_var_dir

    args = build_parser().parse_args(argv)
    restrict_new_files()  # var/ holds customer data, password hashes and secrets: 0600 / 0700
    try:
        settings = settings_module.load()
        secure_var_dir(settings.var_dir)
        return args.func(args, settings)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
