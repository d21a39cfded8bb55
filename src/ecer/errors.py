"""Errors for bad input files: each problem names the file, the entry, the field and what is wrong.

Loaders collect *every* problem in a file before raising, so that a user fixes a file in one pass,
and they raise before anything is stored: imports are all-or-nothing per file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file.

    `location` is the entry inside the file as a user would find it: "row 12", "targets[3]",
    "targets[code=energy_intensity]". `field` is the column or key, when one is to blame.
    """

    file: str
    location: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InputFileError(ValueError):
    """A file was rejected; nothing from it was loaded. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("InputFileError needs at least one problem")
        self.problems = list(problems)
        files = sorted({p.file for p in self.problems})
        head = f"{len(self.problems)} problem(s) in {', '.join(files)}; nothing was loaded"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))
