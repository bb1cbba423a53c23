"""Speed and memory benchmarks: `make bench` (python -m bench.run). Each module has a run() that
prints its figures as ratios against a baseline measured in the same run, plus absolute numbers,
one line per figure: `bench <name>: <value> (target <target>): met` (or `NOT met`)."""


def verdict_line(name: str, value: str, target: str, met: bool) -> str:
    """Print (and return) the one line of a measured figure against its target."""
    text = f"bench {name}: {value} (target {target}): {'met' if met else 'NOT met'}"
    print(text, flush=True)
    return text
