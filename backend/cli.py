"""`flask --app backend linli ...`: onboarding a county as an operator would."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from backend.accounts import services as accounts
from backend.errors import DomainError
from backend.extensions import db
from config.settings import read

linli = AppGroup("linli", help="Linli operator commands.")


def _run(action):
    """Run a service call; print domain errors in Chinese and exit non-zero."""
    try:
        return action()
    except DomainError as error:
        detail = (
            f"\n{json.dumps(error.fields, ensure_ascii=False, indent=2)}" if error.fields else ""
        )
        raise click.ClickException(f"{error.message}{detail}") from None


@linli.command("import-register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_register(path: Path):
    """Load townships, communities, estates, buildings and units from one .xlsx workbook."""
    from backend.estates import services as places

    with path.open("rb") as stream:
        counts = _run(lambda: places.import_county_register(stream))
    click.echo(json.dumps(counts, ensure_ascii=False))


@linli.command("grant")
@click.argument("openid")
@click.argument("role")
@click.argument("scope_kind")
@click.argument("scope_id", type=int)
@click.option("--real-name", help="Their real name, named in every trail (needed once).")
def grant(openid, role, scope_kind, scope_id, real_name):
    """Give a mini-program user (by openid) a role on a place."""
    membership = _run(lambda: accounts.grant(openid, role, scope_kind, scope_id, real_name))
    click.echo(f"granted {membership.role} on {membership.scope_kind} {membership.scope_id}")


@linli.command("create-staff")
@click.argument("username")
@click.argument("role")
@click.argument("scope_kind")
@click.argument("scope_id", type=int)
@click.option(
    "--password",
    default=lambda: read("LINLI_STAFF_PASSWORD"),
    help="Defaults to $LINLI_STAFF_PASSWORD, else asked for.",
)
@click.option("--real-name", required=True, help="Their real name, named in every trail.")
def create_staff(username, role, scope_kind, scope_id, password, real_name):
    """Create a console account (auditor, officer, admin) with a password."""
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(
        lambda: accounts.create_staff(username, password, role, scope_kind, scope_id, real_name)
    )
    click.echo(f"created staff user {user.username} ({role} on {scope_kind} {scope_id})")


def _user_option(command):
    """USERNAME argument or --id: how an operator names the account."""
    command = click.argument("username", required=False)(command)
    return click.option("--id", "user_id", type=int, help="The user's id instead of a username.")(
        command
    )


def _find_user(username, user_id):
    from backend.accounts import sessions

    if (username is None) == (user_id is None):
        raise click.UsageError("Give a console username or --id, not both.")
    return _run(lambda: sessions.find_user(username=username, user_id=user_id))


def _who(user) -> str:
    return f"user {user.id}" + (f" ({user.username})" if user.username else "")


@linli.command("deactivate-user")
@_user_option
def deactivate_user(username, user_id):
    """Deactivate a user: no more console sign-in or mini-program login, and every console
    session and API token of theirs ends now."""
    from backend.accounts import sessions

    user = _run(lambda: sessions.deactivate(_find_user(username, user_id)))
    click.echo(f"deactivated {_who(user)}: every session and token ended")


@linli.command("reactivate-user")
@_user_option
def reactivate_user(username, user_id):
    """Let a deactivated user sign in again (sessions ended before stay ended)."""
    from backend.accounts import sessions

    user = _run(lambda: sessions.reactivate(_find_user(username, user_id)))
    click.echo(f"reactivated {_who(user)}")


@linli.command("unlock-user")
@_user_option
def unlock_user(username, user_id):
    """Lift a console sign-in lock (too many wrong passwords) before it expires."""
    from backend.accounts import throttle

    user = _find_user(username, user_id)
    if not user.username:
        raise click.ClickException(f"{_who(user)} has no console account")
    was_locked = throttle.is_locked(user.username)
    throttle.unlock(user.username)
    click.echo(f"unlocked {_who(user)}" if was_locked else f"{_who(user)} was not locked")


@linli.command("seed-demo")
def seed_demo():
    """Load the demo county (once; does nothing if it is already there)."""
    from backend.demo import county

    result = county.seed()
    click.echo("demo county loaded" if result["loaded"] else "demo county already present")


@linli.command("write-sample-register")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def write_sample_register(path: Path):
    """Write the demo county's register as an .xlsx file (the documented format)."""
    from backend.demo import county

    path.write_bytes(county.register_workbook())
    click.echo(str(path))


@linli.command("verify-ledger")
@click.argument("estate_id", type=int)
def verify_ledger(estate_id: int):
    """Recompute an estate's ledger hash chain; exit 1 and name the first broken period."""
    from backend.ledger import statements
    from backend.places.models import Estate

    if db.session.get(Estate, estate_id) is None:
        raise click.ClickException(f"小区 {estate_id} 不存在")
    result = statements.verify_chain(estate_id)
    if result["ok"]:
        click.echo(f"OK: {result['periods_checked']} published periods, head {result['head_hash']}")
        return
    broken = result["broken"]
    click.echo(
        f"BROKEN at period {broken['period_id']} ({broken['label']}): {broken['reason']}",
        err=True,
    )
    raise SystemExit(1)


@linli.command("open311-key")
@click.argument("county_id", type=int)
@click.argument("name")
def open311_key(county_id: int, name: str):
    """Let a civic tool read and file a county's tickets through Open311; prints its api_key."""
    from backend.tickets import open311_services

    client, key = _run(lambda: open311_services.create_client(county_id, name))
    click.echo(f"Open311 client {client.id} ({client.name}) for county {client.county_id}")
    click.echo(f"api_key: {key}")
    click.echo("Shown once: only its hash is stored.")


@linli.command("recompute-party-led")
def recompute_party_led():
    """Re-derive every committee's party-led flag (run after changing LINLI_PARTY_LED_RULE or
    LINLI_PARTY_LED_MIN_SHARE_PERCENT)."""
    from backend.governance.register import services as register

    try:
        changed = register.recompute_party_led()
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"party-led flags re-derived: {changed} changed")


@linli.command("rebuild-rollups")
@click.argument("since", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("until", type=click.DateTime(formats=["%Y-%m-%d"]))
def rebuild_rollups(since, until):
    """Rebuild the dashboards' roll-ups of the closed months from SINCE's to UNTIL's
    (YYYY-MM-DD): a backfill, or after tickets were changed in bulk outside the services."""
    from backend.governance.targets import rollup_build

    if since > until:
        raise click.ClickException("开始日期不能晚于结束日期")
    built = rollup_build.rebuild(since.date(), until.date())
    click.echo(f"roll-ups rebuilt: {built} months")
