"""UMI molecules (abundance/molecules.py) and the targeted verdicts (abundance/targeted.py)."""

import csv
import gzip

import pytest

from fusion_pipeline.call.merge_calls import apply_panel, panel_verdict
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.molecules import JunctionMolecules, count_molecules, fragment_umis, umi_from_name
from fusion_pipeline.common.panel import primed_gene, read_panel

pytest.importorskip("umi_tools", reason="umi_tools not installed (requirements-umi.txt, make setup)")


@pytest.mark.parametrize(
    "name, umi",
    [
        ("T1.m1.3:ACGTACGT", "ACGTACGT"),  # bcl-convert: after the last ':'
        ("A00123:8:HXXX:1:1101:1000:2000:GGCCTTAA", "GGCCTTAA"),
        ("r1_ACGTNCGT", "ACGTNCGT"),  # umi_tools extract: after the last '_'
        ("A00123:8:HXXX:1:1101:1000:2000:ACGT+GGCC", "ACGTGGCC"),  # dual UMI
    ],
)
def test_the_umi_is_read_after_the_last_colon_or_underscore(name, umi):
    assert umi_from_name(name) == umi


@pytest.mark.parametrize("name", ["read1", "read:12ab", "read_"])
def test_a_name_without_a_umi_is_refused_with_the_read_named(name):
    with pytest.raises(InputError, match=f"read '{name}': no UMI"):
        umi_from_name(name)


def test_a_umi_sequencing_error_is_not_a_second_molecule():
    # 20 reads of one molecule and one read whose UMI has a substitution: one molecule
    assert count_molecules(["AAAACCCC"] * 20 + ["AAAACCCT"]) == 1


def test_two_equal_families_one_base_apart_are_two_molecules():
    # directional: the smaller family joins only with at most half the reads of the larger + 1
    assert count_molecules(["AAAACCCC"] * 5 + ["AAAACCCT"] * 5) == 2


def test_umis_two_substitutions_apart_stay_apart_at_edit_distance_one_and_join_at_two():
    umis = ["AAAACCCC"] * 20 + ["AAAACCTT"]
    assert count_molecules(umis, max_edit_distance=1) == 2
    assert count_molecules(umis, max_edit_distance=2) == 1
    assert count_molecules(["AAAACCCC"] * 20 + ["AAAACCCT"], max_edit_distance=0) == 2


def test_no_reads_no_molecules():
    assert count_molecules([]) == 0


def test_a_fragment_counts_once_however_many_of_its_reads_are_seen():
    assert fragment_umis(["a:ACGT", "a:ACGT", "b:ACGT", "c:TTTT"]) == ["ACGT", "ACGT", "TTTT"]


def _junction_line(chr_a, brk_a, strand_a, chr_b, brk_b, strand_b, name):
    # --chimOutJunctionFormat 1 layout; a split read (junction_type 1) with 50 bases each side
    return "\t".join(
        [chr_a, str(brk_a), strand_a, chr_b, str(brk_b), strand_b, "1", "0", "0", name,
         str(brk_a - 50), "50M50S", str(brk_b), "50S50M", "1"]
    )  # fmt: skip


def test_junction_molecules_group_umis_per_junction(tmp_path):
    lines = [_junction_line("chr1", 1001, "+", "chr2", 5000, "+", f"r{i}:AAAACCCC") for i in range(6)]
    lines.append(_junction_line("chr1", 1001, "+", "chr2", 5000, "+", "e1:AAAACCCT"))  # UMI error
    lines.append(_junction_line("chr1", 1001, "+", "chr2", 5000, "+", "m2:GGGGTTTT"))  # a second molecule
    # the same UMI at another junction: a molecule there, not merged into the first junction's
    lines += [_junction_line("chr1", 3001, "+", "chr2", 7000, "+", f"x{i}:AAAACCCC") for i in range(3)]
    path = tmp_path / "Chimeric.out.junction"
    path.write_text("\n".join(lines) + "\n")
    molecules = JunctionMolecules(str(path), min_anchor=20)
    first = molecules.umis("chr1:1000:+", "chr2:5001:+")
    assert sorted(first) == sorted(["AAAACCCC"] * 6 + ["AAAACCCT", "GGGGTTTT"])
    assert count_molecules(first) == 2
    assert count_molecules(molecules.umis("chr1:3000:+", "chr2:7001:+")) == 1
    assert molecules.umis("chr1:9000:+", "chr2:5001:+") == []


def test_simulated_families_count_as_their_molecules(tmp_path):
    """The panel simulator's PCR families with UMI errors: reads per UMI inflate, molecules do not."""
    from fusion_pipeline.simulation.panel import write_panel

    write_panel(tmp_path, seed=3)
    with open(tmp_path / "molecules.tsv") as fh:
        truth = list(csv.DictReader(fh, delimiter="\t"))
    with gzip.open(tmp_path / "reads/T1_R1.fastq.gz", "rt") as fh:
        names = [line[1:].strip() for i, line in enumerate(fh) if i % 4 == 0]
    for target in ("NTRK1", "ROS1"):
        molecule_ids = {t["molecule"] for t in truth if t["target"] == target}
        umis = [umi_from_name(n) for n in names if n.rsplit(".", 1)[0] in molecule_ids]
        counted = count_molecules(umis)
        assert abs(counted - len(molecule_ids)) <= 0.05 * len(molecule_ids), (
            target,
            counted,
            len(molecule_ids),
        )
        assert len(set(umis)) > counted  # the UMI errors the directional method absorbs
        assert len(umis) > 10 * counted  # PCR copies: reads are no measure of molecules


def test_panel_bed_and_tsv_read_alike(tmp_path):
    bed = tmp_path / "panel.bed"
    bed.write_text("track name=panel\nchr1\t99\t121\tNTRK1_exon11\t0\t+\nchr2\t10\t32\tALK\n")
    tsv = tmp_path / "panel.tsv"
    tsv.write_text("chrom\tstart\tend\tgene\nchr1\t100\t121\tNTRK1\nchr2\t11\t32\tALK\n")
    from_bed, from_tsv = read_panel(str(bed)), read_panel(str(tsv))
    assert [(t.chrom, t.start, t.end, t.gene) for t in from_bed] == [
        ("chr1", 99, 121, "NTRK1"),
        ("chr2", 10, 32, "ALK"),
    ]
    assert [(t.chrom, t.start, t.end, t.gene) for t in from_tsv] == [
        (t.chrom, t.start, t.end, t.gene) for t in from_bed
    ]


@pytest.mark.parametrize(
    "text, problem",
    [("chr1\t100\n", "needs chrom, start, end and name"), ("chr1\tx\t10\tALK\n", "integers"),
     ("chr1\t100\t90\tALK\n", "no length"), ("", "no target regions")],
)  # fmt: skip
def test_a_bad_panel_file_is_refused_with_its_name(tmp_path, text, problem):
    path = tmp_path / "bad.bed"
    path.write_text(text)
    with pytest.raises(InputError, match=f"panel {path}.*{problem}"):
        read_panel(str(path))


def _call(**values):
    call = {"fusion": "LMNA::NTRK1", "gene5": "LMNA", "gene3": "NTRK1", "site5": "exon_boundary",
            "site3": "exon_boundary", "pass": "yes", "filters": ".", "junction_molecules": 5}  # fmt: skip
    return {**call, **values}


def test_the_primed_side_is_the_panel_gene():
    assert primed_gene("LMNA", "NTRK1", {"NTRK1", "ALK"}) == "NTRK1"
    assert primed_gene("FGFR3", "TACC3", {"FGFR3"}) == "FGFR3"
    assert primed_gene("EWSR1", "FLI1", {"NTRK1"}) is None


def test_targeted_verdicts():
    genes = {"NTRK1"}
    assert panel_verdict(_call(), genes, 3) == ("yes", "")
    # read-based filters failed it, but 5 molecules on exon boundaries at a primed gene pass it
    assert panel_verdict(_call(**{"pass": "no"}), genes, 3) == ("yes", "passed_on_molecules(5)")
    assert panel_verdict(_call(junction_molecules=2), genes, 3) == ("no", "min_molecules(2)")
    # off an exon boundary the read-based filters decide
    assert panel_verdict(_call(site3="intron", **{"pass": "no"}), genes, 3) == ("no", "")
    # neither gene on the panel: flagged, verdict unchanged
    assert panel_verdict(_call(gene3="FLI1"), genes, 3) == ("yes", "off_panel")
    flagged = apply_panel([_call(gene3="FLI1", filters="duplicates(4)")], genes, 3)
    assert flagged[0]["filters"] == "duplicates(4),off_panel"
