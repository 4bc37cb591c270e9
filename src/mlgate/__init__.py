"""mlgate: data validation, benchmarking and model promotion gates for ML projects.

Every gate writes a JSON report for machines and a Markdown summary for people, and its
command exits 0 (pass), 1 (the gate failed) or 2 (usage or input error).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
