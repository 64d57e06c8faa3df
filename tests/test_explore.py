"""helpers.present.explore: one initiative at a glance, and the widget explorer."""

from __future__ import annotations


def test_explorer_widget_lists_every_row_and_follows_the_chosen_report(tmp_path, raw_path):
    """Two reports (the committed one + a copy under another ward's name, SYNTHETIC): the row list
    follows the report picked; each row is listed once with its printed grade."""
    import ipywidgets as widgets

    from helpers.present.explore import explorer
    from helpers.pipeline import clean_reports

    other = tmp_path / "other-ward_hyoka_2021.txt"
    other.write_bytes(raw_path.read_bytes())
    t = clean_reports([raw_path, other])
    w = explorer(t, report="other-ward_hyoka_2021")
    pick_report, pick_row, out = w.children
    assert isinstance(w, widgets.VBox) and isinstance(out, widgets.Output)
    assert pick_report.options == ("niigata-minami_chiiki-fukushi-keikaku_hyoka_2021", "other-ward_hyoka_2021")
    assert len(pick_row.options) == 56 and pick_row.options[6] == ("No.7 子育て中の親子の居場所の確保（B）", 7)
    pick_report.value = "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021"
    assert len(pick_row.options) == 56 and pick_row.value == 1
