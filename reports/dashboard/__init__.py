"""The leaders' dashboard: one scope (province or an agency subtree), its values, its units.

Reads stored, already-suppressed figures only (reports.selectors.figures and .pages); never
a response. Every read is bounded by what the page shows, not by the number of agencies: the
headline of the focus, one page of the level below it, the trend of the focus
(docs/ARCHITECTURE.md §8). The rendered fragments are cached per run (a run never changes once
written; a recompute is a new run), page, filter, language and the reader's scope.

The parts, imported from the module that holds each name (nothing is re-exported here):
`scope` (who reads, which page: DashboardScope, Page, its cache keys), `figures` (a figure's
texts and interval, its change against the previous published round), `summary` (the headline
fragment: values, benchmarks, weak values), `units` (the level's unit rows and their lines),
`parts` (the cached fragments, the whole page's parts, the breadcrumb).
"""
