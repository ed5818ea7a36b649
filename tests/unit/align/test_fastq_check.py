import bz2
import gzip
import lzma

import pytest

from fusion_pipeline.align.check_fastq import check_pair, scan_fastq, verdict
from fusion_pipeline.common.errors import InputError


def records(n, prefix="r", length=8):
    return "".join(f"@{prefix}{i} extra\n{'A' * length}\n+\n{'I' * length}\n" for i in range(n))


def write_gz(path, text):
    with gzip.open(path, "wt") as fh:
        fh.write(text)
    return str(path)


def test_good_pair_gzipped_and_plain(tmp_path):
    fq1 = write_gz(tmp_path / "a_1.fq.gz", records(12000))
    fq2 = tmp_path / "a_2.fq"
    fq2.write_text(records(12000))
    assert check_pair(fq1, str(fq2))["records"] == 12000


def test_truncated_gzip_is_named(tmp_path):
    good = write_gz(tmp_path / "x.fq.gz", records(20000))
    data = open(good, "rb").read()
    cut = tmp_path / "cut.fq.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.fq\.gz: truncated or corrupt gzip"):
        scan_fastq(str(cut))


def test_unequal_mate_counts(tmp_path):
    fq1 = write_gz(tmp_path / "a_1.fq.gz", records(10))
    fq2 = write_gz(tmp_path / "a_2.fq.gz", records(9))
    with pytest.raises(InputError, match="a_1.fq.gz has 10 records but .*a_2.fq.gz has 9"):
        check_pair(fq1, fq2)


def test_empty_crlf_and_malformed(tmp_path):
    empty = write_gz(tmp_path / "empty.fq.gz", "")
    with pytest.raises(InputError, match="empty.fq.gz: no reads"):
        scan_fastq(empty)
    crlf = tmp_path / "win.fq"
    crlf.write_bytes(records(2).replace("\n", "\r\n").encode())
    with pytest.raises(InputError, match="win.fq: Windows"):
        scan_fastq(str(crlf))
    bad = tmp_path / "bad.fq"
    bad.write_text("@r\nACGT\n+\nII\n")
    with pytest.raises(InputError, match="sequence length 4 but quality length 2"):
        scan_fastq(str(bad))
    partial = tmp_path / "partial.fq"
    partial.write_text(records(2) + "@r9\nACGT\n")
    with pytest.raises(InputError, match="incomplete"):
        scan_fastq(str(partial))


def test_mate_names_must_match(tmp_path):
    fq1 = write_gz(tmp_path / "a_1.fq.gz", records(3, "r"))
    fq2 = write_gz(tmp_path / "a_2.fq.gz", records(3, "q"))
    with pytest.raises(InputError, match="mate names differ at record 1"):
        check_pair(fq1, fq2)


def test_gz_name_without_gzip_content(tmp_path):
    plain = tmp_path / "plain.fq.gz"
    plain.write_text(records(5))
    with pytest.raises(InputError, match=r"plain\.fq\.gz: named \.gz but not gzip-compressed"):
        scan_fastq(str(plain))


def write_plain(path, text):
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "compress, kind",
    [(bz2.compress, "bzip2"), (lzma.compress, "xz"), (lambda data: b"\x28\xb5\x2f\xfd" + data, "zstd")],
)
def test_other_compressions_are_named(tmp_path, compress, kind):
    path = tmp_path / "reads_1.fq.gz"
    path.write_bytes(compress(records(5).encode()))
    with pytest.raises(InputError) as err:
        scan_fastq(str(path))
    assert str(err.value) == (
        f"{path}: {kind}-compressed, but the pipeline reads gzip-compressed or plain FASTQ "
        "(decompress it, or recompress it with gzip)"
    )


def test_zero_byte_file_is_empty_not_corrupt(tmp_path):
    zero = tmp_path / "zero_1.fq.gz"
    zero.write_bytes(b"")
    with pytest.raises(InputError, match=r"zero_1\.fq\.gz: empty file \(0 bytes\), no reads$"):
        scan_fastq(str(zero))
    good = write_gz(tmp_path / "good_2.fq.gz", records(5))
    result = verdict(str(zero), good)
    assert result["status"] == "empty" and result["reason"].endswith("empty file (0 bytes), no reads")
    empty_stream = write_gz(tmp_path / "empty_1.fq.gz", "")
    assert verdict(empty_stream, good)["status"] == "empty"
    assert verdict(write_plain(tmp_path / "bad.fq", "not fastq\n" * 4), good)["status"] == "failed"


def phred64_records(n, quality="E", length=8):
    return "".join(f"@r{i}\n{'A' * length}\n+\n{quality * length}\n" for i in range(n))


def test_phred64_is_refused_as_failed(tmp_path):
    # all bases Q5 in Phred+64 ('E'), a few Q40 ('h'): read as Phred+33 they would be Q36 and Q71
    text = phred64_records(20) + phred64_records(1, "h")
    fq1 = write_gz(tmp_path / "old_1.fq.gz", text)
    with pytest.raises(InputError) as err:
        scan_fastq(fq1)
    assert str(err.value) == (
        f"{fq1}: Phred+64 base qualities detected ('E'..'h' in the first 21 records, none below '@'); "
        "the pipeline needs Phred+33: convert with `seqtk seq -Q64 -V` or `reformat.sh qin=64 qout=33`"
    )
    fq2 = write_gz(tmp_path / "old_2.fq.gz", text)
    assert verdict(fq1, fq2)["status"] == "failed"


@pytest.mark.parametrize(
    "qualities",
    [
        "IIIIIIII" * 3,  # Illumina 1.8+: nothing above 'J'
        "@@@@@@@@" + "JJJJJJJJ" * 2,  # all within '@'..'J': very good Phred+33
        "########" + "hhhhhhhh" * 2,  # above 'J' but '#' below '@': Phred+33 (long-read style)
    ],
)
def test_phred33_is_accepted(tmp_path, qualities):
    text = "".join(f"@r{i}\nACGTACGT\n+\n{qualities[i * 8 : i * 8 + 8]}\n" for i in range(3))
    assert scan_fastq(write_plain(tmp_path / "ok.fq", text))["records"] == 3


def test_quality_outside_printable_range(tmp_path):
    path = write_plain(tmp_path / "space.fq", records(2) + "@r2\nACGT\n+\nII I\n")
    with pytest.raises(InputError) as err:
        scan_fastq(path)
    assert str(err.value) == f"{path}: record 3 has a quality character outside '!'..'~' (byte 0x20)"
