"""helpers: parsers and tidy tables for the 新潟市南区 地域福祉計画 progress-evaluation reports."""

from .tables import load_tables  # noqa: E402,F401  (the notebooks' entry point)
