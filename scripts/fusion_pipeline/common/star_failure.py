"""STAR failures told apart: a full disk, short sorting memory (with the figure STAR asks for), else its exit code."""

import os
import re

from fusion_pipeline.common.errors import InputError

DISK_FULL = re.compile(r"No space left|could not write|not enough space", re.IGNORECASE)


SORT_RAM_NEEDED = re.compile(r"not enough memory for BAM sorting.*?--limitBAMsortRAM\s+(\d+)", re.DOTALL)


def sort_ram_needed(logs: list) -> int | None:
    """The --limitBAMsortRAM (bytes) STAR asked for when it ran out of sorting memory, else None."""
    for path in logs:
        if os.path.exists(path):
            match = SORT_RAM_NEEDED.search(open(path, errors="replace").read())
            if match:
                return int(match.group(1))
    return None


class StarFailure(RuntimeError):
    """STAR exited with an error other than a full disk."""


class SortMemoryShort(StarFailure):
    """STAR aligned every read, then had too little memory to sort the BAM; `needed` in bytes."""

    def __init__(self, needed: int, message: str):
        super().__init__(message)
        self.needed = needed


def raise_star_failure(code: int, directory: str, logs: list) -> None:
    """A clear error for a full disk or short sorting memory, else the exit code and where to look."""
    for path in logs:
        if os.path.exists(path) and DISK_FULL.search(open(path, errors="replace").read()):
            raise InputError(f"{directory}: no space left on the output device while STAR wrote it")
    needed = sort_ram_needed(logs)
    if needed:
        raise SortMemoryShort(needed, f"STAR needs --limitBAMsortRAM {needed} to sort the BAM in {directory}")
    raise StarFailure(f"STAR failed with exit code {code}; see {' and '.join(logs)}")
