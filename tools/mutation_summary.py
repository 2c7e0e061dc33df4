"""Per-module counts of a mutmut run (make mutation): reads `mutmut results --all true` on standard
input and prints a Markdown table of killed, survived and other mutants for tests/MUTATION.md."""
import re
import sys
from collections import Counter, defaultdict


def main() -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for line in sys.stdin:
        match = re.match(r"\s*(hw3\.(\w+)\.\S+):\s*(\w[\w ]*)", line)
        if not match:
            continue
        name, module, status = match.group(1), match.group(2), match.group(3).strip()
        counts[module][status] += 1
        if status == "survived":
            survivors.append(name)
    statuses = sorted({status for counter in counts.values() for status in counter})
    print("| module | mutants | " + " | ".join(statuses) + " | killed share |")
    print("|---|---|" + "---|" * len(statuses) + "---|")
    for module in sorted(counts):
        counter = counts[module]
        total = sum(counter.values())
        print(f"| {module}.py | {total} | " + " | ".join(str(counter[s]) for s in statuses)
              + f" | {counter['killed'] / total:.0%} |")
    print("\nSurvivors:\n" + "\n".join(f"- `{name}`" for name in survivors))


if __name__ == "__main__":
    main()
