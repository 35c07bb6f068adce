"""`rescue users add|list|passwd|totp DIR …`: workbench accounts in the operation's workflow store."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from rescue import operation
from rescue.errors import UsageError
from rescue.workflow import audit, open_workflow, users

users_app = typer.Typer(no_args_is_help=True, help="Workbench users: admin, analyst, reviewer, liaison, auditor.")


def _read_password(from_stdin: bool) -> str | None:
    """The new password: from stdin, typed twice at a terminal, or None (no terminal, no --password-stdin)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@users_app.command("add")
def add_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="admin, analyst, reviewer, liaison or auditor.")],
    country: Annotated[str | None, typer.Option(help="A liaison officer's country (ISO alpha-2).")] = None,
    full_name: Annotated[str, typer.Option(help="Full name.")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    totp: Annotated[bool, typer.Option("--totp", help="Require a TOTP code; prints the secret to enrol.")] = False,
    by: Annotated[str | None, typer.Option(help="Who adds the user (processing log; default cli:<os user>).")] = None,
) -> None:
    """Add a user with a password (Argon2id hash; typed at the terminal or --password-stdin), optionally with a
    TOTP second factor. Without a terminal and without --password-stdin the user has no password and cannot
    log in until `rescue users passwd`."""
    from rescue.web.passwords import hash_password, new_totp_secret, totp_uri

    op = operation.load(directory)
    given = _read_password(password_stdin)
    hashed = hash_password(given) if given is not None else ""
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            user = users.add_user(s, name, role, country=country.upper() if country else None, full_name=full_name,
                                  password_hash=hashed)
            secret = None
            if totp:
                secret = user.totp_secret = new_totp_secret()
            audit.append(s, actor=by or _actor(), action="alteration", object_kind="user", object_id=name,
                         country=user.country, justification="user added",
                         details={"change": "added", "role": role, "totp": totp, "password": bool(hashed)})
    finally:
        wf.close()
    sys.stdout.write(f"user {name} ({role}{', ' + user.country if user.country else ''}) added\n")
    if secret:
        sys.stdout.write(f"TOTP secret {secret}\n{totp_uri(secret, name)}\n")


@users_app.command("list")
def list_cmd(directory: Annotated[Path, typer.Argument(help="The operation folder.")]) -> None:
    """List the users, their roles and countries."""
    op = operation.load(directory)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            for u in users.list_users(s):
                sys.stdout.write(f"{u.username}\t{u.role}\t{u.country or ''}\t{'active' if u.active else 'inactive'}"
                                 f"\t{'totp' if u.totp_secret else ''}\n")
    finally:
        wf.close()


@users_app.command("passwd")
def passwd_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a user's password; ends their open sessions."""
    from rescue.web.passwords import hash_password
    from rescue.workflow import sessions

    op = operation.load(directory)
    given = _read_password(password_stdin)
    if given is None:
        raise UsageError("give the new password at a terminal or with --password-stdin")
    hashed = hash_password(given)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            user = users.get_user(s, name)
            user.password_hash = hashed
            sessions.end_all(s, name)
            audit.append(s, actor=_actor(), action="alteration", object_kind="user", object_id=name,
                         details={"change": "password"})
    finally:
        wf.close()
    sys.stdout.write(f"password of {name} changed\n")


@users_app.command("totp")
def totp_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    name: Annotated[str, typer.Argument(help="User name.")],
    off: Annotated[bool, typer.Option("--off", help="Remove the second factor instead.")] = False,
) -> None:
    """Give a user a new TOTP secret (printed once, with its otpauth:// URI) or remove it; ends their sessions."""
    from rescue.web.passwords import new_totp_secret, totp_uri
    from rescue.workflow import sessions

    op = operation.load(directory)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            user = users.get_user(s, name)
            user.totp_secret = None if off else new_totp_secret()
            secret = user.totp_secret
            sessions.end_all(s, name)
            audit.append(s, actor=_actor(), action="alteration", object_kind="user", object_id=name,
                         details={"change": "totp removed" if off else "totp set"})
    finally:
        wf.close()
    if secret:
        sys.stdout.write(f"TOTP secret {secret}\n{totp_uri(secret, name)}\n")
    else:
        sys.stdout.write(f"second factor of {name} removed\n")
