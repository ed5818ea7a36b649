"""STAR's BAM-sorting memory sized from the reads, and one retry with STAR's own figure (issue 26)."""

import pytest

from fusion_pipeline.align.star_align import align_sorting_once_more, sort_ram_mb
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.star_failure import SortMemoryShort, raise_star_failure

STAR_SORT_ERROR = (
    "EXITING because of fatal ERROR: not enough memory for BAM sorting: \n"
    "SOLUTION: re-run STAR with at least --limitBAMsortRAM 2477928092\n"
)


def test_sort_memory_grows_with_the_reads(tmp_path):
    small, big, plain = tmp_path / "s.fq.gz", tmp_path / "b.fq.gz", tmp_path / "p.fq"
    small.write_bytes(b"x" * 1000)
    big.write_bytes(b"x" * 500_000_000)
    plain.write_bytes(b"x" * 1_000_000_000)
    assert sort_ram_mb([str(small)]) == 1000  # the floor
    # 4.75 M pairs of the benchmark: 2 x 200 MB gzipped asked STAR for 2,478 MB
    assert sort_ram_mb([str(big), str(big)]) == 4801
    assert sort_ram_mb([str(plain)]) == 1201  # plain FASTQ counts at its own size
    assert sort_ram_mb([str(tmp_path / "missing.fq.gz")]) == 1000


def test_star_asking_for_sort_memory_is_named_with_its_figure(tmp_path):
    log = tmp_path / "Log.out"
    log.write_text("..." + STAR_SORT_ERROR)
    with pytest.raises(SortMemoryShort) as short:
        raise_star_failure(102, str(tmp_path), [str(log)])
    assert short.value.needed == 2477928092


def test_one_retry_with_stars_figure_then_a_clear_error(capfd):
    calls = []

    def align(sort_ram=1000 * 2**20):
        calls.append(sort_ram)
        if len(calls) == 1:
            raise SortMemoryShort(2477928092, "short")

    align_sorting_once_more(align, "S1", 1000)
    assert calls == [1000 * 2**20, 2482 * 2**20]  # 5 % over STAR's 2,363 MB, rounded up
    assert "WARNING: sample S1: STAR needs 2482 MB to sort its BAM" in capfd.readouterr().err

    def never_enough(sort_ram=0):
        raise SortMemoryShort(9 * 2**30, "short")

    with pytest.raises(InputError, match=r"sample S1: STAR still needs --limitBAMsortRAM 9663676416 .* 9216"):
        align_sorting_once_more(never_enough, "S1", 1000)
