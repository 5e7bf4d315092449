"""One-off: move the shipped scenarios' inline source comments into a [sources] table.

Each ``key = value  # comment`` line whose value is a number the model reads gets its
comment moved to ``[sources]`` under the field's path; references to tables outside the
repository are rewritten to docs/sources.md sections. Run from the repository root.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.scenario import load_scenario, scenario_to_dict  # noqa: E402
from estimator.scenario.explain import _HEADER, _KEY, _split_comment  # noqa: E402
from estimator.scenario.schema import source_path  # noqa: E402

REFERENCES = [
    (re.compile(r"BENCHMARKS 2 (NP|HE|MB|EN)\b"), r"docs/sources.md §2 (\1)"),
    (re.compile(r"BENCHMARKS (\d[a-g]?)\b"), r"docs/sources.md §\1"),
    (re.compile(r"\bMODEL\.md\b"), "docs/model.md"),
]


def cite(text: str) -> str:
    for pattern, repl in REFERENCES:
        text = pattern.sub(repl, text)
    return text


def _numeric(node) -> bool:
    if isinstance(node, bool):
        return False
    if isinstance(node, int | float):
        return True
    return isinstance(node, dict) and bool(set(node) & {"low", "mode", "high", "median", "p90"})


def move(path: Path) -> None:
    data = scenario_to_dict(load_scenario(path))
    own = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    arrays: dict[str, int] = {}
    prefix, moved_last, in_string = "", False, False
    for line in lines:
        if in_string:
            in_string = line.count('"""') % 2 == 0
            out.append(line)
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(2)
            if header.group(1) == "[[":
                arrays[name] = arrays.get(name, -1) + 1
            parts, resolved = name.split("."), []
            for i, part in enumerate(parts):
                resolved.append(part)
                if ".".join(parts[: i + 1]) in arrays:
                    resolved.append(str(arrays[".".join(parts[: i + 1])]))
            prefix, moved_last = ".".join(resolved), False
            out.append(cite(line))
            continue
        key = _KEY.match(line)
        if key:
            value, comment = _split_comment(key.group(2))
            if value.startswith('"""') and value.count('"""') == 1:
                in_string = True
            dotted = f"{prefix}.{key.group(1)}" if prefix else key.group(1)
            node = data
            for part in dotted.split("."):
                try:
                    node = node[int(part)] if isinstance(node, list) else node[part]
                except (KeyError, IndexError, ValueError, TypeError):
                    node = None
                    break
            if isinstance(node, dict) and "salary" in node:
                dotted, node = dotted + ".salary", node["salary"]
            table_of_numbers = isinstance(node, dict) and node and all(
                _numeric(v) for v in node.values())
            if comment and (_numeric(node) or table_of_numbers):
                own[source_path(dotted)] = cite(comment)
                out.append(line[: line.index(key.group(2))] + value)
                moved_last = True
                continue
            moved_last = False
            out.append(cite(line))
            continue
        stripped = line.strip()
        if moved_last and stripped.startswith("#") and line.startswith("    "):
            path_key = list(own)[-1]
            own[path_key] += " " + cite(stripped.lstrip("#").strip())
            continue
        moved_last = False
        out.append(cite(line))
    if own:
        out += ["", "# Where each number comes from (shown in the workbook's Source column and the",
                "# brief's assumptions): docs/sources.md sections, or ASSUMPTION for a judgment.",
                "[sources]"]
        out += [f'"{k}" = {_toml_string(v)}' for k, v in own.items()]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    for name in sys.argv[1:]:
        before = scenario_to_dict(load_scenario(name))
        move(Path(name))
        after = scenario_to_dict(load_scenario(name))
        after.pop("sources", None)
        before.pop("sources", None)
        assert before == after, name
        print(name, "ok")
