"""The CLI's progress bar: drawn by tqdm on a terminal, silent in a log."""

from __future__ import annotations

import io
import time

from huanwei.progress import TICK_S, ProgressBar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(stream: io.StringIO, *, enabled: bool = True) -> str:
    with ProgressBar(2.0, enabled=enabled, stream=stream) as bar:
        bar.update(0.3, 1_187_300)
        time.sleep(3 * TICK_S)
    return stream.getvalue()


def test_a_terminal_sees_the_share_and_the_best_cost() -> None:
    drawn = _run(_Terminal())
    assert "best 11,873 CNY" in drawn
    assert "100%" in drawn.rsplit("\r", 1)[-1]  # the last frame: done
    assert drawn.count("\r") >= 3  # redrawn as the clock moves


def test_a_log_gets_nothing() -> None:
    assert _run(io.StringIO()) == ""


def test_quiet_draws_nothing_on_a_terminal() -> None:
    assert _run(_Terminal(), enabled=False) == ""
