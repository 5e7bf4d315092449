"""Notebook helpers: what each field of a scenario means, and where its number comes from.

:func:`explain` shows one part of a scenario as a table: each field, its meaning (from the
schema's descriptions), its value, its default, and the comment beside it in the scenario file
(:func:`source_comments`): the shipped files name a source or say ``ASSUMPTION:`` for every
number. ``notebooks/04_your_organisation.ipynb`` walks through a scenario this way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from estimator.scenario import Scenario, field_docs, get_value

__all__ = ["Table", "explain", "source_comments"]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=\s*(.*)$")


def _split_comment(text: str) -> tuple[str, str]:
    """(value, comment) of the rest of a ``key = value  # comment`` line."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return text[:i].rstrip(), text[i + 1:].strip()
    return text.rstrip(), ""


def source_comments(path: str | Path) -> dict[str, str]:
    """The comment beside each value of a scenario file, by dotted path (``capacity.sick_days``,
    ``content.0.per_week``, ``roles.writer``): where the shipped numbers come from. Every key
    the file sets is there (``""`` where it has no comment). A file that starts from another
    (``base``) inherits that file's comments for what it does not set."""
    path = Path(path)
    comments: dict[str, str] = {}
    arrays: dict[str, int] = {}
    prefix, last, in_string = "", "", False
    for line in path.read_text(encoding="utf-8").splitlines():
        if in_string:
            in_string = line.count('"""') % 2 == 0
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(2)
            if header.group(1) == "[[":
                arrays[name] = arrays.get(name, -1) + 1
            parts, resolved = name.split("."), []
            for i, part in enumerate(parts):
                resolved.append(part)
                table = ".".join(parts[: i + 1])
                if table in arrays:
                    resolved.append(str(arrays[table]))
            prefix, last = ".".join(resolved), ""
            continue
        key = _KEY.match(line)
        if key:
            value, comment = _split_comment(key.group(2))
            if value.startswith('"""') and value.count('"""') == 1:
                in_string = True
            if key.group(1) == "base" and not prefix:
                comments = {**source_comments(path.parent / value.strip("\"'")), **comments}
                continue
            last = f"{prefix}.{key.group(1)}" if prefix else key.group(1)
            comments[last] = comment
            continue
        stripped = line.strip()
        if stripped.startswith("#") and line.startswith("    ") and comments.get(last):
            comments[last] += " " + stripped.lstrip("#").strip()  # a comment's second line
        else:
            last = ""
    return comments


def _is_quantity(value: Any) -> bool:
    return isinstance(value, dict) and bool(set(value) & {"low", "mode", "high", "median", "p90"})


def _value_text(value: Any) -> str:
    if _is_quantity(value):
        if "low" in value:
            return f"{value['low']:g} / {value['mode']:g} / {value['high']:g} (low / likely / high)"
        return f"median {value['median']:g}, P90 {value['p90']:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _leaves(value: Any, path: str) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict) and not _is_quantity(value) and value:
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}.{i}")
    else:
        yield path, value


def _doc_keys(path: str) -> list[str]:
    parts = re.sub(r"\.(\d+)", "[]", path).split(".")
    if parts[0] == "roles" and len(parts) > 1:
        parts[1] = "<role>"
    keys = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return keys


class Table:
    """Rows to read in a notebook: an HTML table there, aligned text elsewhere."""

    def __init__(self, columns: list[str], rows: list[list[str]], title: str = "") -> None:
        self.columns, self.rows, self.title = columns, rows, title

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{html.escape(v)}"
                             "</td>" for v in row) + "</tr>"
            for row in self.rows)
        title = f"<p><b>{html.escape(self.title)}</b></p>" if self.title else ""
        return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        lines += [" | ".join(self.columns)]
        lines += [" | ".join(row) for row in self.rows]
        return "\n".join(lines)


def explain(scenario: Scenario, section: str, source: str | Path | None = None) -> Table:
    """A table of one part of a scenario (``"capacity"``, ``"coverage"``, ``"content.4"``...):
    each field, what it means (from the schema), its value here, the default when the file
    leaves it out, and where the number comes from: the scenario's ``[sources]``, else the
    comment beside it in ``source`` (the scenario file)."""
    docs = {path: (kind, default, desc) for path, kind, default, desc in field_docs()}
    comments = source_comments(source) if source is not None else {}
    value = get_value(scenario, section)
    rows = []
    for path, leaf in _leaves(value, section):
        kind, default, desc = next((docs[k] for k in _doc_keys(path) if k in docs), ("", "", ""))
        parent = path.rsplit(".", 1)[0]
        where = scenario.source_of(path) or comments.get(path) or comments.get(parent, "")
        if not where:
            in_file = path in comments or parent in comments
            where = "(no comment in the file)" if in_file else "(not in the file: the default)"
        rows.append([path, desc, _value_text(leaf), default or "(required)", where])
    return Table(["Field", "What it means", "Value here", "Default", "Where it comes from"],
                 rows, title=section)
