"""Demo data for a demonstration or a benchmark, built through the same services a clerk uses.
It never travels to the city.

May import: any feature package (it is a client of them all). Nothing imports it but the CLI,
the composition root and the windows' first run.
"""
