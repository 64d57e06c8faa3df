"""The readers' HTML page title names the reports: an nbconvert preprocessor for the Makefile's HTML recipe.

``--HTMLExporter.preprocessors=helpers.present.pagetitle.PageTitle``: the page ``<title>`` becomes the
notebook's own title (``metadata.title``, its first heading) followed by the display names of the
reports in ``data/clean/reports.csv`` (:func:`helpers.present.names.page_title`), e.g.
``04 評価（A〜D）の分布｜新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）``.
Kept apart from :mod:`helpers.present.names` so that importing the names does not import nbconvert.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor

from ..config import CLEAN_DATA_DIR
from .names import page_title
from .tables import read_table

__all__ = ["PageTitle"]


class PageTitle(Preprocessor):
    """Set ``nb.metadata.title`` to :func:`helpers.present.names.page_title` of the clean reports."""

    def preprocess(self, nb, resources):
        path = CLEAN_DATA_DIR / "reports.csv"
        reports = read_table(path, "reports") if path.is_file() else None
        title = nb.metadata.get("title") or resources.get("metadata", {}).get("name", "")
        if reports is not None and len(reports):
            nb.metadata["title"] = page_title(title, reports)
        return nb, resources
