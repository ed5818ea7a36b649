import gzip

import pytest

from align.fastq_check import check_pair, scan_fastq
from common.errors import InputError


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
