"""A progress bar for long management commands, drawn on one terminal line."""

from __future__ import annotations


class ProgressBar:
    """``label [###############---------------]  50%  500/1,000``, redrawn in place on a terminal.

    When the output is not a terminal (a log file, a pipe, a test) it writes
    nothing, so the command's own messages stand alone. It redraws only when
    the percentage changes: a million steps cost a hundred writes.
    """

    WIDTH = 30

    def __init__(self, stream, label: str, total: int = 0) -> None:
        self.stream = stream  # a command's self.stdout
        self.label = label
        self.total = total
        self.visible = stream.isatty()
        self._drawn: int | None = None

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        if not self.visible:
            return
        percent = 100 if self.total <= 0 else min(100, done * 100 // self.total)
        if percent == self._drawn:
            return
        self._drawn = percent
        filled = percent * self.WIDTH // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%  {done:,}/{self.total:,}", ending="")
        self.stream.flush()

    def clear(self) -> None:
        """Rub the bar out, so that the next message starts on a clean line."""
        if self.visible and self._drawn is not None:
            self.stream.write("\r\033[K", ending="")
            self.stream.flush()
        self._drawn = None
