"""Load and check plan files: all-or-nothing, every problem reported with file, entry, field and line."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ecer.catalogs.indicators import load_indicators
from ecer.catalogs.regions import load_regions
from ecer.catalogs.units import load_units
from ecer.errors import InputFileError, Problem
from ecer.plans.checks import Catalogs, Located, Sections, check_plan
from ecer.plans.model import REQUIRED_SECTIONS, SECTION_MODELS, Plan, PlanHeader
from ecer.plans.problems import ProblemSink, entry_label
from ecer.plans.yamlsource import YamlSource, YamlSyntaxError, read_yaml

PLAN_SUFFIX = ".yaml"


def _bundled_dir() -> Path:
    return Path(str(resources.files("ecer.plans").joinpath("data")))


def bundled_plans() -> list[str]:
    """Codes of the plans shipped with ECER (file names under ecer/plans/data without .yaml)."""
    return sorted(path.stem for path in _bundled_dir().glob(f"*{PLAN_SUFFIX}"))


def plan_path(code_or_path: str | Path) -> Path:
    """The file behind a bundled plan code, or the path itself (a .yaml/.yml name or an existing file).

    For callers that need the file's bytes as well as the plan (its sha256 is the plan's version).
    """
    path = Path(code_or_path)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    return _bundled_dir() / f"{code_or_path}{PLAN_SUFFIX}"


def default_catalogs() -> Catalogs:
    regions = load_regions()
    return Catalogs(units=load_units(), indicators=load_indicators(), region_exists=regions.__contains__)


def _validate_entry(sink: ProblemSink, model: type[BaseModel], raw: Any, label: str,
                    path: tuple[str | int, ...]) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        sink.add_validation_error(exc, label, path)
        return None


def _validate_sections(sink: ProblemSink, data: dict[str, Any]) -> Sections:
    sections = Sections()
    for name, model in SECTION_MODELS.items():
        raw_items = data.get(name)
        if raw_items is None:
            if name in REQUIRED_SECTIONS:
                sink.add("plan header", "required section is missing", name, ())
            continue
        if not isinstance(raw_items, list):
            sink.add(name, f"must be a list of entries, got {type(raw_items).__name__}", None, (name,))
            continue
        located: list[Located] = getattr(sections, name)
        for index, raw in enumerate(raw_items):
            label = entry_label(name, index, raw)
            entry = _validate_entry(sink, model, raw, label, (name, index))
            if entry is not None:
                located.append(Located(name, index, label, entry))
            elif isinstance(raw, dict):
                sections.broken_codes.update(str(raw[key]) for key in ("code", "indicator") if key in raw)
    return sections


def _validate_source(sink: ProblemSink, source: YamlSource, catalogs: Catalogs) -> Plan | None:
    data = source.data
    if not isinstance(data, dict):
        sink.add("document", "the file must be a YAML mapping of plan fields (code, name_zh, targets, ...)")
        return None
    for path, line in source.duplicate_keys:
        sink.add("document", f"key {path[-1]!r} appears twice in the same mapping (line {line}); "
                 "YAML would silently keep only the last one", ".".join(str(p) for p in path))
    header_raw = {key: value for key, value in data.items() if key not in SECTION_MODELS}
    header = _validate_entry(sink, PlanHeader, header_raw, "plan header", ())
    sections = _validate_sections(sink, data)
    check_plan(sink, header if isinstance(header, PlanHeader) else None, sections, catalogs)
    if sink.problems:
        return None
    # Every entry validated on its own; the whole validates too (this only assembles the Plan).
    return Plan.model_validate(data)


def validate_plan_text(text: str, filename: str, catalogs: Catalogs | None = None) -> tuple[Plan | None,
                                                                                          list[Problem]]:
    """Validate plan YAML text; returns (plan, []) or (None, problems). Never a partly loaded plan."""
    sink = ProblemSink(filename)
    try:
        source = read_yaml(text)
    except YamlSyntaxError as exc:
        location = f"line {exc.line}" if exc.line is not None else "document"
        return None, [Problem(filename, location, str(exc))]
    sink.source = source
    plan = _validate_source(sink, source, catalogs or default_catalogs())
    return plan, sink.problems


def _read(path: Path, filename: str) -> tuple[str | None, list[Problem]]:
    try:
        return path.read_text(encoding="utf-8-sig"), []
    except FileNotFoundError:
        return None, [Problem(filename, "file", "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(filename, "file", f"not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(filename, "file", f"cannot read: {exc.strerror}")]


def check_plan_file(path: str | Path) -> list[Problem]:
    """Every problem in a plan file (empty list: the file is valid)."""
    path = Path(path)
    text, problems = _read(path, str(path))
    if text is None:
        return problems
    return validate_plan_text(text, str(path))[1]


def _resolve(code_or_path: str | Path) -> tuple[Path, str]:
    """A bundled plan code → its package file (named by file name); anything else is a path."""
    text = str(code_or_path)
    if text in bundled_plans():
        path = _bundled_dir() / f"{text}{PLAN_SUFFIX}"
        return path, path.name
    return Path(code_or_path), text


@lru_cache(maxsize=8)
def _load_bundled(code: str) -> Plan:
    return _load(*_resolve(code))


def _load(path: Path, filename: str) -> Plan:
    text, problems = _read(path, filename)
    if text is not None:
        plan, problems = validate_plan_text(text, filename)
        if plan is not None:
            return plan
    raise InputFileError(problems)


def load_plan(code_or_path: str | Path = "sichuan-14fyp") -> Plan:
    """Load a bundled plan by code, or a plan file by path; raise InputFileError with every problem.

    Plans are immutable pydantic models, so bundled plans are parsed once per process.
    """
    if str(code_or_path) in bundled_plans():
        return _load_bundled(str(code_or_path))
    return _load(*_resolve(code_or_path))
