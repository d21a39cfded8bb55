"""Read a YAML document and remember the line of every key and list item, for error messages.

PyYAML drops positions once a document is constructed, so we compose the node tree ourselves, take
the line of each node by its path (("targets", 3, "unit") → 57), and construct the data from the same
nodes. Duplicate mapping keys, which PyYAML would silently let the last one win, are reported.

Untrusted files are bounded before anything is built: a first pass over the parser's event stream
(which PyYAML produces without recursion) measures the nesting depth and the size the document
would have with every alias expanded. A "billion laughs" alias bomb or 5,000 nested `[` is refused
with the line where the budget ran out, before the composer recurses or an error message repeats
an expanded value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

# A plan is a few levels deep (document → section → entry → field → list) and a few thousand nodes
# (the bundled Sichuan plan: about 2,500). The budgets leave room for plans far larger than any
# province's, and stop hostile files long before they cost memory or time.
MAX_DEPTH = 50
MAX_EXPANDED_NODES = 200_000


@dataclass
class YamlSource:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path_, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest node on `path` that exists (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _walk(node: yaml.Node, path: Path_, source: YamlSource) -> None:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                source.duplicate_keys.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            source.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source)


def _over_budget(message: str, event: yaml.Event) -> YamlSyntaxError:
    return YamlSyntaxError(message, event.start_mark.line + 1 if event.start_mark is not None else None)


def check_budget(text: str, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_EXPANDED_NODES) -> None:
    """Refuse documents nested deeper than `max_depth` or larger than `max_nodes` once aliases are
    expanded, from the event stream alone (no node tree, no recursion, no expansion)."""
    expanded = 0  # nodes so far, each alias counted as the size of what it repeats
    starts: list[tuple[int, str | None]] = []  # per open collection: `expanded` at its start, anchor
    anchor_sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(starts) >= max_depth:
                raise _over_budget(f"nested more than {max_depth} levels deep; a plan needs a handful", event)
            starts.append((expanded, event.anchor))
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            start, anchor = starts.pop()
            if anchor is not None:
                anchor_sizes[anchor] = expanded - start
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor is not None:
                anchor_sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            # An unknown anchor is left for the composer to report as the usual syntax error.
            expanded += anchor_sizes.get(str(event.anchor), 1)
            if expanded > max_nodes:
                raise _over_budget(f"aliases expand the document beyond {max_nodes:,} values "
                                   f"(at alias *{event.anchor}); refusing it (a YAML alias bomb?)", event)
        if expanded > max_nodes:
            raise _over_budget(f"the document has more than {max_nodes:,} values; refusing it", event)


def read_yaml(text: str) -> YamlSource:
    """Parse one YAML document; raise YamlSyntaxError (with the 1-based line) if it is not valid YAML
    or exceeds the depth and size budgets (see `check_budget`)."""
    loader = yaml.SafeLoader(text)
    try:
        check_budget(text)
        node = loader.get_single_node()
        if node is None:
            return YamlSource(data=None)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise YamlSyntaxError(f"invalid YAML: {reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    source = YamlSource(data=data)
    _walk(node, (), source)
    return source
