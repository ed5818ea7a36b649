"""The HTML report in headless Chromium: renders, makes no request, shows input as text."""

import shutil

import pandas as pd
import pytest
from helpers import ROOT

pytest.importorskip("playwright.sync_api", reason="playwright not installed (requirements.txt)")
from playwright.sync_api import sync_playwright  # noqa: E402

from fusion_pipeline.common.annotation import Annotation  # noqa: E402
from fusion_pipeline.common.knowledge_base import load_knowledge_base  # noqa: E402
from fusion_pipeline.report.write_report import build_report, render_html  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not shutil.which("chromium"),
    reason="Debian chromium not installed (`make test-deps` installs it as root)",
)
FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


def open_page(path):
    """(visible text, requested URLs, whether any script ran) of a local HTML file."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        requests, dialogs = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("networkidle")
        text = page.inner_text("body")
        rects = page.locator("svg rect").count()
        pwned = page.evaluate("() => window.__pwned === 1")
        browser.close()
    return {"text": text, "requests": requests, "script_ran": pwned or bool(dialogs), "rects": rects}


@pytest.mark.workflow
def test_report_renders_offline_with_the_finding(demo_run):
    path = demo_run["out"] / "S5/report.html"
    page = open_page(path)
    assert page["requests"] == [path.as_uri()]  # nothing but the file itself
    assert "HMBOX1::ALK" in page["text"] and "crizotinib" in page["text"] and "lorlatinib" in page["text"]
    assert "Abundance over time" in page["text"]
    assert page["rects"] > 20  # the fusion diagram drew its exons
    none = open_page(demo_run["out"] / "S6/report.html")
    assert "No actionable kinase fusion found." in none["text"]


def test_markup_in_input_is_shown_as_text(tmp_path):
    kb = load_knowledge_base(str(ROOT / "config/kinases.yaml"), str(ROOT / "config/actionability.yaml"))
    evil = "<script>window.__pwned=1;alert(1)</script>"
    call = {
        "fusion": f"{evil}::ALK", "gene5": evil, "gene3": "ALK", "breakpoint5": "c1:10:+", "breakpoint3": "c2:20:-",
        "exon5": "1", "exon3": "20", "transcript5": ".", "transcript3": ".", "kinase": "ALK",
        "partner_role": "3prime", "kinase_domain": "Protein kinase 1116-1392", "kinase_domain_retained": "yes",
        "reading_frame": "in-frame", "tier": "I", "actionable": "yes", "tier_reason": evil, "type": "translocation",
        "junction_reads": "9", "spanning_pairs": "3", "fusion_reads": "8", "wt_reads5": "30", "abundance": "0.21",
        "abundance_ci_low": "0.11", "abundance_ci_high": "0.37", "callers": "builtin", "filters": ".",
    }  # fmt: skip
    calls = pd.DataFrame([{**call, "pass": "yes"}])
    sample = {"sample": "X1", "patient": evil, "timepoint": "1"}
    qc = {"read_pairs": 10, "uniquely_mapped_pct": 90.0, "multimapped_pct": 1.0, "chimeric_reads": 1,
          "chimeric_pct": 0.1}  # fmt: skip
    report = build_report(sample, pd.DataFrame([call]), calls, qc, None, {"pipeline": "t", "star": "t", **kb.versions},
                          kb, Annotation({}))  # fmt: skip
    html = render_html(report)
    assert "<script>" not in html
    path = tmp_path / "evil.html"
    path.write_text(html)
    page = open_page(path)
    assert evil in page["text"]
    assert not page["script_ran"]
    assert page["requests"] == [path.as_uri()]


def test_validation_report_renders_offline_and_shows_input_as_text(tmp_path):
    from fusion_pipeline.validate.score import concordance, score
    from fusion_pipeline.validate.score_validation import render_html as render_validation

    evil = "<script>window.__pwned=1;alert(1)</script>"
    truth = [{"genes": ("EML4", "ALK"), "expected_fraction": str(f), "depth": "100", "replicate": str(r)}
             for f in (0.02, 0.1, 0.5) for r in (1, 2)]  # fmt: skip
    call = {
        "gene5": "EML4",
        "gene3": "ALK",
        "junction_reads": "6",
        "spanning_pairs": "2",
        "abundance": "0.11",
    }
    rows = []
    for i, t in enumerate(truth):
        found = {("EML4", "ALK"): call} if t["expected_fraction"] != "0.02" or i % 2 else {}
        rows += concordance(f"V{i}", [t], found)
    rows += concordance("VN1", [], {(evil, "ALK"): {**call, "gene5": evil}})
    summary = score(rows, [], ["VN1"])
    summary.update(truth=evil, caller="builtin", by_caller={})
    path = tmp_path / "validation.html"
    path.write_text(render_validation(summary, rows))
    page = open_page(path)
    assert page["requests"][0] == path.as_uri()
    assert all(url.startswith("data:image/png") for url in page["requests"][1:])  # the plots, inline
    assert "Limit of detection" in page["text"] and f"{evil}::ALK" in page["text"]
    assert not page["script_ran"]
