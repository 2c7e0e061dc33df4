"""Every reference in the repository's prose leads somewhere: each file path and each `helpers.NAME`
or `hw3.module.NAME` that a README, the assignment, a module's docstring or comment cites exists in a
clone."""
import ast
import importlib
import io
import re
import subprocess
import tokenize

import pytest

import helpers
from hw3.settings import PROJECT_DIR

PROSE = ["README.md", "ASSIGNMENT.md", "data/README.md", "results/README.md", "tests/MUTATION.md", "helpers.py",
         *sorted(str(path.relative_to(PROJECT_DIR)) for path in (PROJECT_DIR / "hw3").glob("*.py")),
         *sorted(str(path.relative_to(PROJECT_DIR)) for path in (PROJECT_DIR / "tools").glob("*.py"))]
SUFFIXES = r"(?:py|md|json|npz|ipynb|html|js|png|svg|pdf|keras|h5|txt|ini|cfg|gz)"
PATH = re.compile(r"(?<![\w./{-])((?:[\w-]+/)*[\w-]+\." + SUFFIXES + r"(?![\w{}*])|(?:[\w-]+/)+(?![\w{}*.]))")
NAME = re.compile(r"\b(helpers|hw3\.\w+)\.([A-Za-z_]\w*)\b")
ELSEWHERE = {"mnist.pkl.gz", "answers.pdf", "explorer.html"}  # another project's file; files a run writes


def prose(source: str) -> str:
    """The prose of a file: a Markdown file whole; of a Python file its docstrings and comments only."""
    text = (PROJECT_DIR / source).read_text(encoding="utf-8")
    if not source.endswith(".py"):
        return re.sub(r"https?://\S+", "", text)
    nodes = [node for node in ast.walk(ast.parse(text))
             if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    docstrings = [ast.get_docstring(node) or "" for node in nodes]
    comments = [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
                if token.type == tokenize.COMMENT]
    return "\n".join(docstrings + comments)


def cited_paths(text: str) -> set[str]:
    """Paths in `text` that name a file or folder of the project: 'hw3/data.py', 'figures/', 'README.md'."""
    found = set()
    for match in PATH.finditer(text):
        path = match.group(1)
        if any(part.isupper() and len(part) > 1 for part in re.split(r"[/.]", path)[:-1]) and "/" in path:
            continue  # a placeholder such as figures/NAME.svg
        if "/" in path or path.split(".")[0].isupper() or path.endswith((".ipynb", ".md")):
            found.add(path)
    return found


def test_the_pattern_finds_paths_and_leaves_out_templates_and_urls():
    text = ("see `hw3/data.py`, figures/, README.md and hw3.ipynb; not models/{name}.keras, "
            "not models/*.keras, not keras.datasets.mnist.load_data(), not figures/NAME.svg, not <<table/...>>; a sentence ends at hw3/cache.py.")
    found = cited_paths(text)
    assert found >= {"hw3/data.py", "figures/", "README.md", "hw3.ipynb", "hw3/cache.py"} and "table/" not in found
    assert not any("{" in path or "*" in path or "keras.datasets" in path or "NAME" in path for path in found)
    assert not _exists("hw3/plots.py", "README.md") and _exists("answers_template.md", "hw3/report.py")


TRACKED = subprocess.run(["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True).stdout.split()


def _exists(path: str, source: str) -> bool:
    """The path, as a clone has it (git's tracked files): from the project's top, from the citing file's
    folder, or (a bare file name) anywhere in it."""
    folder = str((PROJECT_DIR / source).parent.relative_to(PROJECT_DIR))
    for candidate in (path, f"{folder}/{path}" if folder != "." else path):
        if candidate in TRACKED or any(tracked.startswith(candidate.rstrip("/") + "/") for tracked in TRACKED):
            return True
    if "/" not in path and any(tracked.split("/")[-1] == path for tracked in TRACKED):
        return True
    return path.split("/")[-1] in ELSEWHERE


@pytest.mark.parametrize("source", PROSE)
def test_every_cited_path_exists(source):
    missing = sorted(path for path in cited_paths(prose(source)) if not _exists(path, source))
    assert missing == [], f"{source} cites files that a clone does not have: {missing}"


@pytest.mark.parametrize("source", PROSE)
def test_every_cited_name_exists(source):
    missing = []
    for owner, name in set(NAME.findall(prose(source))):
        if name in {"py", "md", "json", "ipynb"}:
            continue  # a file name such as helpers.py
        if owner == "helpers":
            present = hasattr(helpers, name)
        else:
            try:
                present = hasattr(importlib.import_module(owner), name)
            except ModuleNotFoundError:
                present = False
        if not present:
            missing.append(f"{owner}.{name}")
    assert sorted(missing) == [], f"{source} cites names that do not exist"
