"""``python -m sandbox --host H --port N``: run the emulator, printing only a ready line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import uvicorn

from sandbox.emulator import create_app
from sandbox.personas import default_personas, validate_personas
from sandbox.state import DEFAULT_BOT_USERNAME, EmulatorState, FloodSettings


def build_state(personas: Path | None, bot_username: str, flood: bool) -> EmulatorState:
    """The emulator's world from command-line options."""
    people = validate_personas(json.loads(personas.read_text("utf-8"))) if personas \
        else default_personas()
    return EmulatorState(bot_username=bot_username, flood=FloodSettings(enabled=flood),
                         personas=people)


async def serve(host: str, port: int, state: EmulatorState) -> None:
    """Serve until interrupted; print ``sandbox ready http://HOST:PORT`` once listening."""
    config = uvicorn.Config(create_app(state), host=host, port=port, log_level="warning",
                            access_log=False, lifespan="on",
                            # a pending getUpdates long poll must not hold up a shutdown
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            return
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    sys.stdout.write(f"sandbox ready http://{host}:{bound}\n")
    sys.stdout.flush()
    await task


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the emulator."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--personas", type=Path, help="JSON file with the demo people")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument("--no-flood", action="store_true",
                        help="start with Telegram's flood limits switched off")
    args = parser.parse_args(argv)
    try:
        state = build_state(args.personas, args.bot_username, not args.no_flood)
    except (OSError, ValueError) as error:
        parser.error(f"--personas: {error}")
    try:
        asyncio.run(serve(args.host, args.port, state))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
