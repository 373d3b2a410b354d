"""`python -m bot agents ...`: desk accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.settings import Settings


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("The passwords don't match.")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk import auth
    from bot.launcher import running_base_url
    from bot.store import db

    db.configure(settings.app_database_url)
    db.create_schema()
    try:
        if args.agents_command == "add":
            agent = auth.add_agent(args.email, args.name or args.email.split("@")[0], _password(args), args.role)
            # The running server's address (its --port), else what the settings say it will be.
            base = running_base_url(settings.var_dir) or settings.base_url
            print(f"Added {agent.role} {agent.name} <{agent.email}>. They log in at {base}/desk/")
        elif args.agents_command == "list":
            for agent in auth.list_agents():
                print(f"{agent.email:32} {agent.name:24} {agent.role:6} {'active' if agent.active else 'disabled'}")
        elif args.agents_command == "password":
            auth.set_password(args.email, _password(args))
            print("Password changed; their open sessions were ended.")
        elif args.agents_command in ("disable", "enable"):
            agent = auth.set_active(args.email, args.agents_command == "enable")
            print(f"{agent.email} is now {'active' if agent.active else 'disabled'}.")
    except auth.AuthError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    agents = subparsers.add_parser("agents", help="agent desk accounts")
    sub = agents.add_subparsers(dest="agents_command", required=True)
    add = sub.add_parser("add", help="create an agent account")
    add.add_argument("email")
    add.add_argument("--name", help="shown to customers (default: the email's local part)")
    add.add_argument("--role", choices=["agent", "admin"], default="agent")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list", help="list agents")
    password = sub.add_parser("password", help="set a new password (ends their sessions)")
    password.add_argument("email")
    password.add_argument("--password-stdin", action="store_true")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} an account").add_argument("email")
    agents.set_defaults(func=run)
