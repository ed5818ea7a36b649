"""Reference sequence around a fusion's breakpoints, read the way a chimeric read reads it.

A read of the fusion transcript reads the 5' partner up to its breakpoint,
then the 3' partner from its breakpoint on. For each breakend this module
fetches the bases the read shows (`retained`) and the bases the reference
would have shown had the read not jumped (`continuation` after the 5'
breakpoint, `preceding` before the 3' one), all in read orientation. Two
artefact filters use them: low-complexity flanks (homopolymers, short tandem
repeats) and homology (the read's 3' part could just as well be the 5' gene
continuing, or its 5' part the 3' gene: a mis-mapping or a switch between
similar sequences).
"""

from collections import Counter

from fusion_pipeline.common.sequtil import revcomp


def _fetch(fasta, chrom: str, start: int, end: int) -> str:
    """1-based inclusive [start, end], clipped to the contig; '' when the contig is unknown."""
    try:
        length = fasta.get_reference_length(chrom)
    except KeyError:
        return ""
    start, end = max(1, start), min(length, end)
    return fasta.fetch(chrom, start - 1, end).upper() if start <= end else ""


def five_prime_flanks(fasta, chrom: str, pos: int, direction: int, n: int) -> tuple[str, str]:
    """(retained, continuation) of the 5' breakend, each n bases in read orientation."""
    if direction == 1:  # retained part at and below pos: the read runs forward into pos
        return _fetch(fasta, chrom, pos - n + 1, pos), _fetch(fasta, chrom, pos + 1, pos + n)
    return revcomp(_fetch(fasta, chrom, pos, pos + n - 1)), revcomp(_fetch(fasta, chrom, pos - n, pos - 1))


def three_prime_flanks(fasta, chrom: str, pos: int, direction: int, n: int) -> tuple[str, str]:
    """(retained, preceding) of the 3' breakend, each n bases in read orientation."""
    if direction == -1:  # retained part at and above pos: the read runs forward out of pos
        return _fetch(fasta, chrom, pos, pos + n - 1), _fetch(fasta, chrom, pos - n, pos - 1)
    return revcomp(_fetch(fasta, chrom, pos - n + 1, pos)), revcomp(_fetch(fasta, chrom, pos + 1, pos + n))


def low_complexity(seq: str, homopolymer: int = 10, max_share: float = 0.6) -> bool:
    """A homopolymer run of `homopolymer` bases, or one 3-mer making up `max_share` of all 3-mers."""
    if not seq:
        return False
    run = best = 1
    for previous, base in zip(seq, seq[1:]):
        run = run + 1 if base == previous else 1
        best = max(best, run)
    if best >= homopolymer:
        return True
    kmers = [seq[i : i + 3] for i in range(len(seq) - 2)]
    return bool(kmers) and Counter(kmers).most_common(1)[0][1] / len(kmers) >= max_share


def identity(a: str, b: str, max_shift: int = 3) -> float:
    """Best share of identical bases between a and b, ungapped, allowing a shift of up to `max_shift`."""
    best = 0.0
    for shift in range(-max_shift, max_shift + 1):
        x, y = (a[shift:], b) if shift >= 0 else (a, b[-shift:])
        n = min(len(x), len(y))
        if n >= 20:
            best = max(best, sum(p == q for p, q in zip(x[:n], y[:n])) / n)
    return best
