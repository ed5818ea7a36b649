import pytest

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.samplesheet import parse_timepoint, read_sample_sheet, timepoint_order
from fusion_pipeline.common.star_outputs import given_star_files


@pytest.fixture
def fastqs(tmp_path):
    for name in ("a_1.fq", "a_2.fq", "b_1.fq", "b_2.fq"):
        (tmp_path / name).write_text("@r\nACGT\n+\nIIII\n")
    return tmp_path


def write_sheet(tmp_path, rows, header="sample\tpatient\ttimepoint\tfq1\tfq2"):
    path = tmp_path / "samples.tsv"
    path.write_text(header + "\n" + "\n".join("\t".join(r) for r in rows) + "\n")
    return str(path)


def test_valid_sheet_resolves_paths_and_orders_timepoints(fastqs):
    sheet = write_sheet(
        fastqs,
        [["late", "P1", "2024-05-01", "a_1.fq", "a_2.fq"], ["early", "P1", "2023-01-31", "b_1.fq", "b_2.fq"]],
    )
    rows = read_sample_sheet(sheet, base_dir=str(fastqs))
    assert [r["sample"] for r in rows] == ["late", "early"]
    assert rows[0]["fq1"] == str(fastqs / "a_1.fq")
    assert timepoint_order(rows) == {"P1": ["early", "late"]}


@pytest.mark.parametrize(
    "rows, message",
    [
        ([["x/y", "P1", "1", "a_1.fq", "a_2.fq"]], "sample 'x/y' may hold only"),
        ([["..", "P1", "1", "a_1.fq", "a_2.fq"]], "sample '..' may hold only"),
        (
            [["s1", "P1", "1", "a_1.fq", "a_2.fq"], ["s1", "P2", "1", "b_1.fq", "b_2.fq"]],
            "line 3 (sample 's1'): duplicate sample name (first on line 2)",
        ),
        (
            [["s1", "P1", "1", "a_1.fq", "a_2.fq"], ["s2", "P1", "1", "b_1.fq", "b_2.fq"]],
            "line 3 (sample 's2'): patient 'P1' already has timepoint '1' (sample 's1')",
        ),
        (
            [["s1", "P1", "1", "a_1.fq", "a_2.fq"], ["s2", "P1", "2024-01-01", "b_1.fq", "b_2.fq"]],
            "mixes integer and date timepoints",
        ),
        ([["s1", "P1", "first", "a_1.fq", "a_2.fq"]], "timepoint 'first' is neither"),
        ([["s1", "P1", "1", "missing.fq", "a_2.fq"]], "line 2 (sample 's1'): fq1 file not found: missing.fq"),
        ([["s1", "P1", "1", "a_1.fq", "a_1.fq"]], "fq1 and fq2 are the same file"),
        ([["s1", "", "1", "a_1.fq", "a_2.fq"]], "empty 'patient'"),
        ([["patients", "P1", "1", "a_1.fq", "a_2.fq"]], "'patients' is reserved for an output folder"),
    ],
)
def test_bad_rows_name_the_line_and_problem(fastqs, rows, message):
    sheet = write_sheet(fastqs, rows)
    with pytest.raises(InputError) as err:
        read_sample_sheet(sheet, base_dir=str(fastqs))
    assert message in str(err.value)
    assert sheet in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_columns_and_missing_file(fastqs):
    sheet = write_sheet(fastqs, [["s1", "1", "a_1.fq", "a_2.fq"]], header="sample\ttimepoint\tfq1\tfq2")
    with pytest.raises(InputError, match="missing column.*patient"):
        read_sample_sheet(sheet, base_dir=str(fastqs))
    with pytest.raises(InputError, match="file not found"):
        read_sample_sheet(str(fastqs / "nope.tsv"))


def test_parse_timepoint():
    assert parse_timepoint("3") == 3
    assert str(parse_timepoint("2024-02-29")) == "2024-02-29"
    assert parse_timepoint("2023-02-29") is None
    assert parse_timepoint("3.5") is None


def test_sheet_saved_from_a_spreadsheet_is_read(fastqs):
    """Excel's 'UTF-8 text' adds a byte-order mark and CRLF line ends."""
    text = "sample\tpatient\ttimepoint\tfq1\tfq2\r\ns1\tP1\t1\ta_1.fq\ta_2.fq\r\n"
    sheet = fastqs / "excel.tsv"
    sheet.write_bytes(b"\xef\xbb\xbf" + text.encode())
    rows = read_sample_sheet(str(sheet), base_dir=str(fastqs))
    assert [(r["sample"], r["timepoint"], r["fq2"]) for r in rows] == [("s1", "1", str(fastqs / "a_2.fq"))]


def test_a_row_gives_its_reads_as_fastq_pair_or_as_bam(fastqs):
    (fastqs / "c.bam").write_bytes(b"BAM")
    (fastqs / "c.cram").write_bytes(b"CRAM")
    (fastqs / "ref.fa").write_text(">c1\nACGT\n")
    header = "sample\tpatient\ttimepoint\tfq1\tfq2\tbam\tcram_reference"
    rows = read_sample_sheet(write_sheet(fastqs, [["a", "P1", "1", "a_1.fq", "a_2.fq", "", ""],
                                                  ["b", "P2", "1", "", "", "c.bam", ""],
                                                  ["c", "P3", "1", "", "", "c.cram", "ref.fa"]], header),
                             base_dir=str(fastqs))  # fmt: skip
    assert (rows[0]["bam"], rows[1]["bam"], rows[1]["fq1"]) == ("", str(fastqs / "c.bam"), "")
    assert rows[2]["cram_reference"] == str(fastqs / "ref.fa")
    only_bam = read_sample_sheet(write_sheet(fastqs, [["b", "P2", "1", "c.bam"]], "sample\tpatient\ttimepoint\tbam"),
                                 base_dir=str(fastqs))  # fmt: skip
    assert only_bam[0]["bam"] == str(fastqs / "c.bam")


@pytest.mark.parametrize(
    "row, message",
    [
        (
            ["b", "P2", "1", "a_1.fq", "a_2.fq", "c.bam", ""],
            "give the reads as fq1 + fq2 or as 'bam', not both",
        ),
        (
            ["b", "P2", "1", "", "", "", ""],
            "empty 'fq1' (give fq1, with fq2 for paired-end reads, or a BAM/CRAM",
        ),
        (["b", "P2", "1", "", "", "gone.bam", ""], "bam file not found: gone.bam"),
        (
            ["b", "P2", "1", "a_1.fq", "a_2.fq", "", "ref.fa"],
            "'cram_reference' is given without a CRAM in 'bam'",
        ),
    ],
)
def test_bam_rows_are_refused_in_one_line_naming_the_row(fastqs, row, message):
    (fastqs / "c.bam").write_bytes(b"BAM")
    sheet = write_sheet(fastqs, [row], "sample\tpatient\ttimepoint\tfq1\tfq2\tbam\tcram_reference")
    with pytest.raises(InputError, match="line 2 \\(sample 'b'\\)") as err:
        read_sample_sheet(sheet, base_dir=str(fastqs))
    assert message in str(err.value)


def test_a_single_end_sheet_may_leave_the_fq2_column_out(fastqs):
    rows = read_sample_sheet(write_sheet(fastqs, [["a", "P1", "1", "a_1.fq"]], "sample\tpatient\ttimepoint\tfq1"),
                             base_dir=str(fastqs))  # fmt: skip
    assert (rows[0]["fq1"], rows[0]["fq2"]) == (str(fastqs / "a_1.fq"), "")


GIVEN_HEADER = "sample\tpatient\ttimepoint\tfq1\tfq2\tbam\tcram_reference\tchimeric_junction"


def _star_folder(folder, skip=()):
    folder.mkdir(exist_ok=True)
    for name in ("Aligned.sortedByCoord.out.bam", "Chimeric.out.junction", "Log.final.out", "SJ.out.tab",
                 "ReadsPerGene.out.tab"):  # fmt: skip
        if name not in skip:
            (folder / name).write_text("x")


def test_a_star_bam_with_its_chimeric_junction_brings_the_files_beside_it(fastqs):
    _star_folder(fastqs / "star")
    rows = read_sample_sheet(write_sheet(fastqs, [["g", "P1", "1", "", "", "star/Aligned.sortedByCoord.out.bam", "",
                                                   "star/Chimeric.out.junction"],
                                                  ["b", "P2", "1", "a_1.fq", "a_2.fq", "", "", ""]], GIVEN_HEADER),
                             base_dir=str(fastqs))  # fmt: skip
    assert rows[0]["chimeric_junction"] == str(fastqs / "star/Chimeric.out.junction")
    assert rows[1]["chimeric_junction"] == ""
    assert given_star_files(rows[0]["chimeric_junction"]) == {
        "given_log_final": str(fastqs / "star/Log.final.out"),
        "given_splice_junctions": str(fastqs / "star/SJ.out.tab"),
        "given_gene_counts": str(fastqs / "star/ReadsPerGene.out.tab"),
    }  # Log.out only when it is there
    (fastqs / "star/Log.out").write_text("x")
    assert given_star_files(rows[0]["chimeric_junction"])["given_log_main"] == str(fastqs / "star/Log.out")


@pytest.mark.parametrize(
    "row, skip, message",
    [
        (["b", "P2", "1", "a_1.fq", "a_2.fq", "", "", "star/Chimeric.out.junction"], (),
         "'chimeric_junction' is given without STAR's BAM in 'bam'"),
        (["b", "P2", "1", "", "", "star/Aligned.sortedByCoord.out.bam", "", "star/Log.final.out"], (),
         "is not named Chimeric.out.junction"),
        (["b", "P2", "1", "", "", "c.cram", "", "star/Chimeric.out.junction"], (), "a CRAM cannot be used as STAR's"),
        (["b", "P2", "1", "", "", "star/Aligned.sortedByCoord.out.bam", "", "star/Chimeric.out.junction"],
         ("ReadsPerGene.out.tab",), "ReadsPerGene.out.tab not found beside chimeric_junction (STAR writes it with "
         "--quantMode GeneCounts)"),
        (["b", "P2", "1", "", "", "star/Aligned.sortedByCoord.out.bam", "", "star/Chimeric.out.junction"],
         ("Log.final.out",), "Log.final.out not found beside chimeric_junction (STAR writes it in every run)"),
        (["b", "P2", "1", "", "", "star/Aligned.sortedByCoord.out.bam", "", "star/Chimeric.out.junction"],
         ("Chimeric.out.junction",), "chimeric_junction file not found: star/Chimeric.out.junction"),
    ],
)  # fmt: skip
def test_a_given_star_alignment_is_refused_in_one_line_when_a_file_is_wrong_or_missing(
    fastqs, row, skip, message
):
    _star_folder(fastqs / "star", skip)
    (fastqs / "c.cram").write_bytes(b"CRAM")
    with pytest.raises(InputError, match="line 2 \\(sample 'b'\\)") as err:
        read_sample_sheet(write_sheet(fastqs, [row], GIVEN_HEADER), base_dir=str(fastqs))
    assert message in str(err.value)
