"""The ``jointcheck`` console command; each feature registers its commands from cli."""

from __future__ import annotations

import typer

from cli import accounts, db, demo, directories, draws, planning, running, schedule
from cli import records as records_cli
from sandbox import cli as sandbox_cli

app = typer.Typer(
    name="jointcheck",
    help="jointcheck — 部门联合“双随机、一公开”监管 / joint random inspections",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for module in (db, directories, planning, draws, accounts, running, schedule, sandbox_cli,
               demo):
    module.register(app)
records_cli.register(app)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
