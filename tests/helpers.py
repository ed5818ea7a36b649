"""What test modules share: paths, the workflow command and config writing (fixtures live in conftest.py)."""

import gzip
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
TEST_DATA = TESTS / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
WORKFLOW_TIMEOUT = 900


def workflow_command(workdir: Path, *args: str, timeout: int = WORKFLOW_TIMEOUT) -> list:
    """The snakemake command for `workdir`, under `timeout -k` so nothing it starts outlives the limit."""
    return [
        "timeout", "-k", "10", str(timeout),
        SNAKEMAKE,
        "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir),
        "--configfile", str(workdir / "config.yaml"),
        "--cores", "2",
        *args,
    ]  # fmt: skip


def workflow_env(**extra) -> dict:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **extra}


def run_workflow(
    workdir: Path, *args: str, timeout: int = WORKFLOW_TIMEOUT, env=None
) -> subprocess.CompletedProcess:
    """Run the real workflow in `workdir` with its config.yaml; never hangs past `timeout`."""
    command = workflow_command(workdir, *args, timeout=timeout)
    return subprocess.run(command, capture_output=True, text=True, env=env or workflow_env())


def output_tables(out: Path) -> dict:
    """{relative path: bytes} of every TSV result (benchmarks and logs left out: they hold timings)."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*.tsv"))
        if path.relative_to(out).parts[0] not in ("benchmarks", "logs")
    }


def write_config(
    workdir: Path, fasta: str, gtf: str, samples: str = "samples.tsv", star_index=None, **extra
) -> Path:
    """config.yaml of `workdir`; `star_index` names a prebuilt STAR index (reference.star_index)."""
    import yaml

    reference = {"fasta": fasta, "gtf": gtf}
    if star_index is not None:
        reference["star_index"] = str(star_index)
    config = {"samples": samples, "outdir": "out", "reference": reference, **extra}
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


# STAR's Chimeric.out.junction, written by hand (unit tests of the chimeric reader and the built-in caller)
CHIMERIC_HEADER = (
    "chr_donorA\tbrkpt_donorA\tstrand_donorA\tchr_acceptorB\tbrkpt_acceptorB\tstrand_acceptorB\tjunction_type\t"
    "repeat_left_lenA\trepeat_right_lenB\tread_name\tstart_alnA\tcigar_alnA\tstart_alnB\tcigar_alnB\tnum_chim_aln\t"
    "max_poss_aln_score\tnon_chim_aln_score\tthis_chim_aln_score\tbestall_chim_aln_score\tPEmerged_bool\treadgrp\n"
)


def record(chr_a, brk_a, strand_a, chr_b, brk_b, strand_b, jtype, name, start_a=100, cigar_a="30S70M",
           start_b=200, cigar_b="30M70S", num=1):  # fmt: skip
    return (
        f"{chr_a}\t{brk_a}\t{strand_a}\t{chr_b}\t{brk_b}\t{strand_b}\t{jtype}\t0\t0\t{name}\t{start_a}\t{cigar_a}\t"
        f"{start_b}\t{cigar_b}\t{num}\t200\t100\t190\t190\t0\tGRP\n"
    )


def write_chimeric(tmp_path, lines, name="Chimeric.out.junction", header=True, comments=True):
    text = (CHIMERIC_HEADER if header else "") + "".join(lines)
    if comments:
        text += "# 2.7.10b   STAR --runThreadN 2\n# Nreads 100\tNreadsUnique 90\tNreadsMulti 1\n"
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return str(path)


# gene P on '+': exons 101-200, 301-400, 501-600; gene M on '-': exons 2001-2100, 1801-1900, 1601-1700
TOY_GTF = """\
c1\tt\tgene\t101\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; gene_biotype "protein_coding";
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP"; tag "Ensembl_canonical";
c1\tt\texon\t301\t400\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP";
c1\tt\texon\t501\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP";
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP2";
c1\tt\texon\t501\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP2";
c1\tt\texon\t2001\t2100\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
c1\tt\texon\t1801\t1900\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
c1\tt\texon\t1601\t1700\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
"""


def close_to(breakpoint, expected, tolerance=5):
    """Whether `breakpoint` (chrom:pos[:strand]) lies within `tolerance` bases of `expected` (chrom:pos)."""
    chrom, pos = breakpoint.rsplit(":", 2)[:2]
    e_chrom, e_pos = expected.rsplit(":", 1)
    return chrom == e_chrom and abs(int(pos) - int(e_pos)) <= tolerance


# Arriba's messages and a stand-in `arriba` on PATH
NO_CHIMERIC = (
    "ERROR: no split reads or discordant mates found (STAR must either be run with '--chimOutType WithinBAM' "
    "or the file 'Chimeric.out.sam' must be passed to Arriba via the argument -c)"
)


NO_NORMAL = "ERROR: no normal reads found"


def fake_arriba(bin_dir: Path, stderr: str = "", code: int = 1, version: str = "2.5.1-standin") -> Path:
    """A stand-in `arriba`: answers -h with a version, else prints Arriba's progress and `stderr`, exits `code`.

    With code 0 it writes a header-only -o and -O like the real tool.
    """
    from fusion_pipeline.call.arriba import ARRIBA_COLUMNS

    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "arriba"
    header = "\t".join(ARRIBA_COLUMNS)
    script.write_text(f"""#!/bin/sh
if [ "$1" = "-h" ]; then printf 'Arriba gene fusion detector\\nVersion: {version}\\n'; exit 0; fi
echo "Launching Arriba {version} (stand-in)"
if [ {code} -eq 0 ]; then
  while [ $# -gt 0 ]; do
    case "$1" in -o|-O) printf '%s\\n' '{header}' > "$2";; esac; shift
  done
fi
[ -n "{stderr}" ] && echo "{stderr}" >&2
exit {code}
""")
    script.chmod(0o755)
    return bin_dir


def chimeric_breakpoints(path):
    """Set of normalised (5' last base, 3' first base) pairs from STAR split-read records."""
    found = set()
    with open(path) as fh:
        for line in fh:
            f = line.split("\t")
            if line.startswith(("#", "chr_donorA")) or int(f[6]) < 0:
                continue
            donor = int(f[1]) - 1 if f[2] == "+" else int(f[1]) + 1
            acceptor = int(f[4]) + 1 if f[5] == "+" else int(f[4]) - 1
            found.add(((f[0], donor), (f[3], acceptor)))
    return found


NAMED = 'gene_id "G1"; transcript_id "T1"; gene_name "ABL1";'
UNNAMED = 'gene_id "G1"; transcript_id "T1";'


# a GTF row and a two-contig reference (chr1, chr2), for the reference checks
def gtf_row(contig="chr1", feature="exon", attributes=NAMED, start=1, end=4):
    return f"{contig}\tsrc\t{feature}\t{start}\t{end}\t.\t+\t.\t{attributes}\n"


def write_reference(tmp_path, gtf_text, fasta_text=">chr1 first\nACGTACGT\n>chr2\nACGT\n"):
    """genome.fa and genes.gtf in `tmp_path`: (FASTA path, GTF path)."""
    fasta, gtf = tmp_path / "genome.fa", tmp_path / "genes.gtf"
    fasta.write_text(fasta_text)
    gtf.write_text(gtf_text)
    return str(fasta), str(gtf)


# artefact read pairs of a simulated validation set (read names A_<class>_...)
ARTEFACT_LABELS = ("template_switch", "circular", "intronic", "hairpin", "jackpot", "pre_mRNA")


def artefact_reads(fastq) -> Counter:
    """Read pairs per artefact class of a simulated FASTQ (read names A_<class>_...)."""
    counts: Counter = Counter()
    with gzip.open(fastq, "rt") as fh:
        for n, line in enumerate(fh):
            if n % 4 == 0 and line.startswith("@A_"):
                counts[next(c for c in ARTEFACT_LABELS if line[3:].startswith(c))] += 1
    return counts


def breakend(gene, offset, role, unspliced=False):
    """(chrom, pos, dir) of a 0-based mRNA offset of a simulated gene: the 5' side's last base or the
    3' side's first."""
    from fusion_pipeline.simulation.genome import genomic_position

    pos = genomic_position(gene, offset, unspliced)
    below = (role == "5") == (gene.spec.strand == "+")
    return gene.chrom, pos, 1 if below else -1


def true_fusion(extended, gene5, exon5, gene3, exon3):
    """(five, three) breakends of a fusion at exon boundaries of the `extended` fixture's genes."""
    from fusion_pipeline.simulation.genome import exon_boundary

    g5, g3 = extended["genes"][gene5], extended["genes"][gene3]
    five = (g5.chrom, exon_boundary(g5, exon5, "end"), 1 if g5.spec.strand == "+" else -1)
    three = (g3.chrom, exon_boundary(g3, exon3, "start"), -1 if g3.spec.strand == "+" else 1)
    return five, three


# The demo's seeded kinase fusions: fusion -> (sample, exon5, exon3, drug class).
SEEDS = {
    "KHDRBS1::NTRK1": ("S1", "8", "12", "TRK inhibitor"),
    "LMNA::NTRK1": ("S2", "2", "11", "TRK inhibitor"),
    "ETV6::NTRK3": ("S2", "5", "15", "TRK inhibitor"),
    "YWHAE::ROS1": ("S3", "5", "34", "ROS1 inhibitor"),
    "EML4::ALK": ("S3", "13", "20", "ALK inhibitor"),
    "CCDC6::RET": ("S3", "1", "12", "RET inhibitor"),
    "HMBOX1::ALK": ("S4", "6", "20", "ALK inhibitor"),
}
