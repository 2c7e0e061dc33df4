"""Per-module counts of a mutmut run (make mutation): reads `mutmut results --all true` on standard
input and prints a Markdown table for tests/MUTATION.md: killed, survived and other mutants, the
survivors judged equivalent (listed with their reason in tests/equivalent_mutants.txt), and the
share of the other mutants that the tests kill."""
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

EQUIVALENT_LIST = Path(__file__).resolve().parents[1] / "tests" / "equivalent_mutants.txt"


def equivalent_mutants() -> dict[str, str]:
    """{mutant name: reason} from tests/equivalent_mutants.txt ('name  # reason' per line)."""
    if not EQUIVALENT_LIST.exists():
        return {}
    names = {}
    for line in EQUIVALENT_LIST.read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            names[name.strip()] = reason.strip()
    return names


def main() -> None:
    equivalent = equivalent_mutants()
    counts: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    seen: set[str] = set()
    for line in sys.stdin:
        match = re.match(r"\s*(hw3\.(\w+)\.\S+):\s*(\w[\w ]*)", line)
        if not match:
            continue
        name, module, status = match.group(1), match.group(2), match.group(3).strip()
        seen.add(name)
        if status == "survived" and name in equivalent:
            status = "equivalent"
        counts[module][status] += 1
        if status == "survived":
            survivors.append(name)
    statuses = sorted({status for counter in counts.values() for status in counter})
    print("| module | mutants | " + " | ".join(statuses) + " | killed share of the non-equivalent |")
    print("|---|---|" + "---|" * len(statuses) + "---|")
    for module in sorted(counts):
        counter = counts[module]
        total = sum(counter.values())
        share = counter["killed"] / max(total - counter["equivalent"], 1)
        print(f"| {module}.py | {total} | " + " | ".join(str(counter[s]) for s in statuses) + f" | {share:.1%} |")
    stale = sorted(set(equivalent) - seen)
    if stale:
        print("\nListed as equivalent but not in this run (the code changed; review the list):\n"
              + "\n".join(f"- `{name}`" for name in stale))
    print("\nSurvivors not judged equivalent:\n" + "\n".join(f"- `{name}`" for name in survivors))


if __name__ == "__main__":
    main()
