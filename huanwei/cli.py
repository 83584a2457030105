"""The ``huanwei`` command: one sub-command module per area in :mod:`huanwei.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from huanwei.commands import COMMANDS
from routing.errors import HuanweiError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="huanwei",
        description="Huanwei (环卫): fleet, shift and route planning for sanitation departments.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status.

    Bad input (any :class:`HuanweiError`, or a file that cannot be read) prints one clear message
    and exits with status 2; it never ends in a traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except HuanweiError as error:
        print(f"huanwei: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f": {error.filename}" if error.filename is not None else ""
        print(f"huanwei: {error.strerror or error}{where}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
