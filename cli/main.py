"""The ``jointcheck`` console command; each feature registers its commands from cli."""

from __future__ import annotations

import typer

from cli import (
    accounts,
    db,
    demo,
    directories,
    draws,
    planning,
    publish,
    running,
    schedule,
    web,
)
from cli import codes as codes_cli
from cli import progress as progress_cli
from cli import records as records_cli
from cli import tokens as tokens_cli
from cli.common import OPERATOR_ENV, set_operator
from sandbox import cli as sandbox_cli

app = typer.Typer(
    name="jointcheck",
    help="jointcheck — 部门联合“双随机、一公开”监管 / joint random inspections",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)



@app.callback()
def acting_as(
    as_account: str | None = typer.Option(
        None, "--as", envvar=OPERATOR_ENV, metavar="ACCOUNT",
        help="以此账号（编号或姓名）操作，记入审计 / act as this account (id or name); "
             "default: the system actor cli-operator"),
) -> None:
    """Who the commands act as (issue 8 item 5)."""
    set_operator(as_account)


for module in (db, directories, planning, draws, accounts, running, schedule, sandbox_cli,
               demo):
    module.register(app)
publish.register(app)
web.register(app)
records_cli.register(app)
tokens_cli.register(app)
codes_cli.register(app)
progress_cli.register(app)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
