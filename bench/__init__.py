"""Speed and memory benchmarks: `make bench` (python -m bench.run). Each module has a run() that
prints its figures as ratios against a baseline measured in the same run, plus absolute numbers."""
