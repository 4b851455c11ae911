"""Two rules of issue #8 that no request can show, read from the source itself.

1. Field-level need-to-know rules live in the policies only: which leefgebied is health (9) and
   which has a GGD screening (6) is asked of `cases.policies` / `plans.policies`, never
   compared by hand in a view, selector, serializer, service or template.
2. The project stands alone: nothing cites a document outside the repository.
3. A public function that takes a row lock (`select_for_update`) runs in a transaction of its
   own making: `@transaction.atomic`, a `with transaction.atomic()` around the lock, or a nested
   function handed to a transition that is atomic. Outside a transaction the lock is refused
   with a 500 on a real server, while the tests (each inside a transaction) pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("acvz", "cases", "plans", "meetings", "partners", "templates")

#: A hand-written health or screening rule.
HEALTH_RULE = re.compile(
    r"HEALTH_LEEFGEBIEDEN|SCREENING_LEEFGEBIEDEN|Leefgebied\.(GEZONDHEID|HUISBEZOEK)"
    r"|leefgebied\s*(==|!=|<=|>=|<|>)\s*\d|leefgebied(__in)?\s*=\s*\[?\d"
)
#: Where the constants are defined and used, and demo data that is keyed by leefgebied.
ALLOWED = {"cases/models.py", "cases/policies.py", "plans/policies.py", "cases/demo.py"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


def test_health_rules_are_written_in_the_policies_only():
    found = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HEALTH_RULE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "ask cases.policies / plans.policies instead:\n" + "\n".join(found)


OUTSIDE = re.compile(r"\.\./shared|DOMAIN\.md|STYLE\.md|TOOLCHAIN\.md")


def test_nothing_cites_a_document_outside_the_repository():
    found = []
    # .ci/ starts the machine's services (../shared/services-up): a command, not a citation.
    skip = {".git", ".ci", ".venv", "node_modules", "__pycache__", "staticfiles"}
    suffixes = {".py", ".html", ".md", ".txt", ".yaml", ".yml", ".toml", ".po", ".cfg", ""}
    for path in sorted(ROOT.rglob("*")):
        if skip & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix not in suffixes or path == Path(__file__):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "cite docs/ in the repository instead:\n" + "\n".join(found)


def _atomic(node: ast.AST) -> bool:
    return "atomic" in ast.unparse(node)


def _unguarded_locks(node: ast.AST, *, guarded: bool = False):
    """`select_for_update` calls under `node` that no atomic decorator or block encloses; a
    nested function is the transition's to run (`cases.services._transition`)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef):
            continue
        inner = guarded or (
            isinstance(child, ast.With) and any(_atomic(item.context_expr) for item in child.items)
        )
        if isinstance(child, ast.Attribute) and child.attr == "select_for_update" and not guarded:
            yield child.lineno
        yield from _unguarded_locks(child, guarded=inner)


def test_every_row_lock_is_taken_inside_a_transaction():
    found = []
    for path in _sources():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        methods = [n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body]
        for node in tree.body + methods:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if any(_atomic(decorator) for decorator in node.decorator_list):
                continue
            name = path.relative_to(ROOT).as_posix()
            found += [f"{name}:{line} {node.name}" for line in _unguarded_locks(node)]
    assert not found, "take the lock inside transaction.atomic:\n" + "\n".join(found)
