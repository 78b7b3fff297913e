"""The `wijkstem` command: Flask's CLI plus the core groups `users` and `demo`."""

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from app import demo
from app.auth import services as accounts
from app.errors import WijkstemError
from app.extensions import db
from app.models import Role
from app.registry import demo_loaders


def _create_app():
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Wijkstem: listening to neighbourhoods."""


users = click.Group("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.ALL), required=True)
@click.option("--pseudonym", default=None, help="Name shown to others (default: generated).")
def create_user(email: str, role: str, pseudonym: str | None) -> None:
    """Create an account. The password is read from stdin or prompted, never an argument."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = accounts.create_user(email, password, role, pseudonym=pseudonym)
    except WijkstemError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable an account and end all its sessions."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    accounts.set_active(None, user, False)
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


demo_group = click.Group("demo", help="Demonstration data.")


@demo_group.command("load")
def load_demo() -> None:
    """Load the demo areas, accounts, dialogue and intake session (safe to run again)."""
    for loader in demo_loaders():
        loader.load()
        db.session.commit()
        click.echo(f"demo: {loader.name} ready")
    click.echo(
        f"Demo accounts ({', '.join(demo.DEMO_ACCOUNTS)}) use the password "
        f"'{demo.DEMO_PASSWORD}'. For demonstration only."
    )


@demo_group.command("load-if-empty")
def load_demo_if_empty() -> None:
    """Load the demo data only into a database that has no accounts yet."""
    if demo.database_is_empty():
        click.get_current_context().invoke(load_demo)
    else:
        click.echo("demo: database has data, left as it is")


def register(app: Flask) -> None:
    from app.registry import DemoLoader, add_demo_loader

    app.cli.add_command(users)
    app.cli.add_command(demo_group)
    add_demo_loader(app, DemoLoader(10, "areas and accounts", demo.load_core))
