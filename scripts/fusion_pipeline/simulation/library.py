"""Library preparation and sequencing: molecules into paired-end FASTQ records.

A `Library` states how fragments are cut (insert sizes), how reads are read
(length, error rate, quality decay towards the read end), what a short insert
adds after the insert (the TruSeq adapter, then poly-G on two-colour
sequencers) and how PCR copies molecules (geometric family sizes with a few
jackpots). The clean library of the demo uses none of the mess, and draws its
random numbers exactly as the first versions of the simulator did, so the demo
reads do not change.

Each molecule is one fragment (a cDNA insert); its PCR copies are written as
separate read pairs with their own sequencing errors. Truth counts molecules.
"""

import math
import random
from dataclasses import dataclass

import numpy as np

from fusion_pipeline.common.sequtil import revcomp

# Illumina TruSeq adapters as read after the insert in read 1 and read 2.
ADAPTER_R1 = "AGATCGGAAGAGCACACGTCTGAACTCCAGTCAC"
ADAPTER_R2 = "AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGTA"
TRUTH_ANCHOR = 12  # bases a read must have on each side to count as a junction read


@dataclass(frozen=True)
class Library:
    read_length: int = 100
    fragment_mean: int = 260
    fragment_sd: int = 40
    fragment_min: int = 150
    fragment_max: int = 10_000
    error_rate: float = 0.002  # substitutions per base at full quality
    quality_decay: bool = False  # Phred falls from 38 to about 12 over the read; errors follow it
    adapter_readthrough: bool = False  # inserts shorter than the read run into the adapter
    poly_g_share: float = 0.0  # share of adapter read-through reads that end in poly-G (two-colour chemistry)
    pcr_family_mean: float = 1.0  # mean copies per molecule (geometric); 1 = no PCR duplicates
    jackpot_share: float = 0.0  # share of molecules copied 100-200 times
    name: str = "clean"

    @property
    def messy(self) -> bool:
        return (
            self.quality_decay
            or self.adapter_readthrough
            or self.pcr_family_mean > 1
            or self.jackpot_share > 0
        )


CLEAN = Library()
# FFPE whole transcriptome: short inserts read 2 x 150, adapters and poly-G, decaying quality, PCR families.
FFPE = Library(read_length=150, fragment_mean=110, fragment_sd=35, fragment_min=60, fragment_max=250,
               error_rate=0.002, quality_decay=True, adapter_readthrough=True, poly_g_share=0.5,
               pcr_family_mean=3.0, jackpot_share=0.002, name="ffpe")  # fmt: skip


def draw_fragments(seq: str, coverage: float, rng: random.Random, library: Library = CLEAN):
    """Yield (start, end) fragment intervals covering `seq` to about `coverage`x.

    Starts are uniform over the positions a fragment can start at, so the
    count is scaled to (length - fragment length): away from the ends every
    transcript then has the same per-base coverage for the same `coverage`,
    whatever its length, and read shares at a junction follow transcript shares.
    """
    mean = library.fragment_mean
    n = int(round(coverage * max(len(seq) - mean, 0) / mean))
    shortest = library.fragment_min if library.adapter_readthrough else library.read_length
    for _ in range(n):
        length = max(library.fragment_min, int(rng.gauss(mean, library.fragment_sd)))
        length = min(length, len(seq), library.fragment_max)
        if length < shortest:
            continue
        start = rng.randint(0, len(seq) - length)
        yield start, start + length


def classify_fragment(
    start: int, end: int, junction: int, read_length: int = 100, anchor: int = TRUTH_ANCHOR
) -> str:
    """'junction', 'spanning' or 'other' for a fragment relative to a junction offset."""
    r1 = (start, min(end, start + read_length))
    r2 = (max(start, end - read_length), end)
    for a, b in (r1, r2):
        if a + anchor <= junction <= b - anchor:
            return "junction"
    if r1[1] <= junction <= r2[0]:
        return "spanning"
    return "other"


def sequencing_errors(read: str, rng: random.Random, rate: float) -> str:
    """Substitutions at `rate` per base; positions drawn by geometric skips."""
    out = None
    pos = int(rng.expovariate(rate))
    while pos < len(read):
        out = out or list(read)
        out[pos] = rng.choice([b for b in "ACGT" if b != out[pos]])
        pos += 1 + int(rng.expovariate(rate))
    return "".join(out) if out else read


def family_size(rng: random.Random, mean: float) -> int:
    """PCR copies of one molecule: geometric on 1, 2, 3, ... with this mean (1 when mean <= 1)."""
    if mean <= 1:
        return 1
    p = 1 / mean
    return 1 + int(math.log(1 - rng.random()) / math.log(1 - p))


class FlowCellOrder:
    """Read pairs in random order, as a sequencer writes them, instead of molecule by molecule.

    Molecules are simulated gene by gene, and a FASTQ in that order is sorted by
    locus, which no sequencer gives: STAR sizes its BAM-sorting bins from the
    first 100,000 reads, so a locus-ordered FASTQ of 4.8 M pairs needed 3.4 GB to
    sort. Each pair goes to one of `buckets` temporary files at random; `close`
    shuffles each bucket in memory and writes the buckets out in turn (a uniform
    random order in bounded memory). Its random stream is its own, so the reads
    are the same as in molecule order.
    """

    def __init__(self, out1, out2, seed: str, tmpdir: str, buckets: int = 64):
        import tempfile

        self.out1, self.out2 = out1, out2
        self.rng = random.Random(f"flow cell order:{seed}")
        self.folder = tempfile.TemporaryDirectory(dir=tmpdir, prefix=".order_")
        self.buckets = [open(f"{self.folder.name}/{n}.fq", "w") for n in range(buckets)]

    def write(self, record1: str, record2: str) -> None:
        self.rng.choice(self.buckets).write(record1 + record2)

    def close(self) -> None:
        for bucket in self.buckets:
            bucket.close()
            with open(bucket.name) as fh:
                lines = fh.readlines()
            pairs = [lines[i : i + 8] for i in range(0, len(lines), 8)]  # two 4-line records a pair
            self.rng.shuffle(pairs)
            for pair in pairs:
                self.out1.writelines(pair[:4])
                self.out2.writelines(pair[4:])
        self.folder.cleanup()


class FastqPairWriter:
    """Writes read pairs of molecules to two text streams (or a FlowCellOrder), with the library's mess."""

    def __init__(
        self, out1, out2, rng: random.Random, library: Library = CLEAN, order: FlowCellOrder | None = None
    ):
        self.out1, self.out2, self.rng, self.library = out1, out2, rng, library
        self.order = order
        self.count = 0
        self.copies = 0  # read pairs written, PCR copies included
        # per-base qualities and errors are drawn in blocks (numpy), seeded from the sample's stream
        self.blocks = _RandomBlocks(rng.getrandbits(64)) if library.quality_decay else None

    def molecule(self, fragment: str, label: str) -> int:
        """Write one molecule (and its PCR copies); return the number of read pairs written."""
        if not self.library.messy:
            return self._clean(fragment, label)
        copies = self._family_size()
        self.count += 1
        name = f"{label}_{self.count}"
        for copy in range(copies):
            self._messy(fragment, f"{name}_{copy}" if copies > 1 else name)
        self.copies += copies
        return copies

    def _clean(self, fragment: str, label: str) -> int:
        length = self.library.read_length
        r1, r2 = fragment[:length], revcomp(fragment[-length:])
        if self.rng.random() < 0.5:  # unstranded library: either mate may come first
            r1, r2 = r2, r1
        self.count += 1
        self.copies += 1
        name = f"{label}_{self.count}"
        qual = "I" * length
        self._pair(f"@{name}\n{self._errors(r1)}\n+\n{qual}\n", f"@{name}\n{self._errors(r2)}\n+\n{qual}\n")
        return 1

    def _pair(self, record1: str, record2: str) -> None:
        if self.order is not None:
            self.order.write(record1, record2)
        else:
            self.out1.write(record1)
            self.out2.write(record2)

    def _errors(self, read: str) -> str:
        return sequencing_errors(read, self.rng, self.library.error_rate)

    def _family_size(self) -> int:
        lib, rng = self.library, self.rng
        if lib.jackpot_share and rng.random() < lib.jackpot_share:
            return rng.randint(100, 200)
        return family_size(rng, lib.pcr_family_mean)

    def _messy(self, fragment: str, name: str) -> None:
        lib, rng = self.library, self.rng
        length = lib.read_length
        forward, reverse = fragment, revcomp(fragment)
        if rng.random() < 0.5:
            forward, reverse = reverse, forward
        reads = []
        for insert, adapter in ((forward, ADAPTER_R1), (reverse, ADAPTER_R2)):
            read = insert[:length]
            if len(read) < length and lib.adapter_readthrough:
                tail = adapter
                if rng.random() < lib.poly_g_share:
                    tail += "G" * length
                else:  # past the adapter a read shows whatever the flow cell gives: random bases
                    tail += (
                        self.blocks.bases(length) if self.blocks else "".join(rng.choices("ACGT", k=length))
                    )
                read = (read + tail)[:length]
            reads.append(self._with_quality(read))
        (s1, q1), (s2, q2) = reads
        self._pair(f"@{name}\n{s1}\n+\n{q1}\n", f"@{name}\n{s2}\n+\n{q2}\n")

    def _with_quality(self, read: str) -> tuple[str, str]:
        """Phred 38 falling to about 12 at the read end (FFPE-like), errors drawn from each base's quality."""
        if not self.library.quality_decay:
            return self._errors(read), "I" * len(read)
        quality, error_p = self.blocks.quality(len(read), self.library.error_rate)
        uniform, shift = self.blocks.take(len(read))
        wrong = np.flatnonzero(uniform < error_p)
        if len(wrong):
            bases = list(read)
            for i in wrong:
                bases[i] = "ACGT"[("ACGT".find(bases[i]) + shift[i]) % 4]
            read = "".join(bases)
        return read, quality


class _RandomBlocks:
    """Random numbers drawn a million at a time (a per-read numpy call costs more than its numbers).

    Quality strings come from a pool of 4096 per read length: Phred 38 falling
    quadratically to 12 at the read end, with noise of 2 per base.
    """

    SIZE = 1 << 20

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.at = self.SIZE
        self.pools: dict = {}
        self.base_pool = "".join(np.array(list("ACGT"))[self.rng.integers(0, 4, self.SIZE)])

    def take(self, n: int):
        if self.at + n > self.SIZE:
            self.uniform = self.rng.random(self.SIZE)
            self.shift = self.rng.integers(1, 4, self.SIZE)
            self.at = 0
        a, self.at = self.at, self.at + n
        return self.uniform[a : self.at], self.shift[a : self.at]

    def quality(self, n: int, error_rate: float) -> tuple[str, np.ndarray]:
        if n not in self.pools:
            curve = 38 - 26 * (np.arange(n) / n) ** 2
            quals = np.maximum(2, (curve + self.rng.normal(0, 2, (4096, n))).astype(int))
            strings = [(q + 33).astype(np.uint8).tobytes().decode() for q in quals]
            self.pools[n] = (strings, 10 ** (-quals / 10) + error_rate)
        strings, error_p = self.pools[n]
        i = int(self.rng.integers(0, len(strings)))
        return strings[i], error_p[i]

    def bases(self, n: int) -> str:
        start = int(self.rng.integers(0, self.SIZE - n))
        return self.base_pool[start : start + n]


def emit_transcript(seq: str, coverage: float, label: str, writer: FastqPairWriter, junctions=()) -> dict:
    """Fragments of `seq` at `coverage`; return {junction offset: molecules per class} for the offsets given."""
    counts = {offset: {"junction": 0, "spanning": 0, "other": 0} for offset in junctions}
    read_length = writer.library.read_length
    for start, end in draw_fragments(seq, coverage, writer.rng, writer.library):
        writer.molecule(seq[start:end], label)
        for offset in junctions:
            counts[offset][classify_fragment(start, end, offset, read_length)] += 1
    return counts


def chimeric_fragment(left: str, right: str, rng: random.Random, library: Library = CLEAN) -> tuple[str, int]:
    """One fragment across the junction of left + right; returns (fragment, junction offset in it)."""
    length = max(library.fragment_min, min(library.fragment_max, int(rng.gauss(library.fragment_mean,
                                                                                library.fragment_sd))))  # fmt: skip
    length = min(length, len(left) + len(right))
    lo, hi = max(TRUTH_ANCHOR, length - len(right)), min(length - TRUTH_ANCHOR, len(left))
    offset = rng.randint(lo, hi) if lo <= hi else min(len(left), length // 2)
    return left[len(left) - offset :] + right[: length - offset], offset
