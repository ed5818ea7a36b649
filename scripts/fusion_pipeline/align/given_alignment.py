"""A lab's own STAR alignment, used as it is (sample sheet `bam` with `chimeric_junction`; issue 28).

A lab that already ran STAR with chimeric detection has everything the callers read: the
coordinate-sorted BAM (its chimeric alignments feed Arriba), Chimeric.out.junction (the built-in
caller, STAR-Fusion), and beside it, under the same --outFileNamePrefix, Log.final.out (the QC
gates), SJ.out.tab and ReadsPerGene.out.tab (the caller's expression background). They are taken
into {sample}/star/ instead of aligning again, once the head check (rule check_fastq) has found:

- a BAM written by STAR (its @PG line), sorted by coordinate (@HD SO:coordinate; the index built
  here then proves the order), with chimeric detection on (--chimSegmentMin above 0) and, when
  Arriba is a caller, chimeric alignments inside the BAM (--chimOutType WithinBAM);
- its header's contigs, names and lengths, those of the run's reference FASTA, from which the
  run's STAR index is built or against which a prebuilt one is checked: a BAM aligned to another
  genome build never reaches a caller;
- a Chimeric.out.junction of at least 14 columns on those contigs, a Log.final.out with its input
  reads, and gene counts whose gene IDs are the run's annotation's.

Any of them failing fails the sample's input check with one line; the sample is then reported
failed, and the outputs written in {sample}/star/ are empty ones that say nothing.
"""

import logging
import os
import shutil

from fusion_pipeline.common.errors import InputError, ToolError
from fusion_pipeline.common.reference_files import contig_differences, gtf_gene_ids
from fusion_pipeline.common.star_outputs import read_log_final

JUNCTION_RECORDS = 1000  # records of Chimeric.out.junction whose contigs are checked
GENE_ID_SHARE = 0.9  # of ReadsPerGene.out.tab's gene IDs that must be in the run's annotation


def star_program(header: dict) -> dict | None:
    """The header's STAR @PG record (ID or PN STAR), or None."""
    for program in header.get("PG", []):
        if "STAR" in (program.get("ID", ""), program.get("PN", "")):
            return program
    return None


def star_option(command_line: str, option: str) -> list:
    """The values after `--option` on STAR's command line (up to the next option)."""
    words = command_line.split()
    if f"--{option}" not in words:
        return []
    values = []
    for word in words[words.index(f"--{option}") + 1 :]:
        if word.startswith("--"):
            break
        values.append(word)
    return values


def check_header(path: str, header: dict, reference: str, fai: str, arriba: bool) -> str:
    """InputError unless the BAM is STAR's, sorted, with chimeric detection, on `reference`'s contigs;
    returns STAR's version."""
    program = star_program(header)
    if program is None:
        raise InputError(f"{path}: not written by STAR (no STAR @PG line in its header); leave chimeric_junction "
                         "empty to align its reads again")  # fmt: skip
    order = header.get("HD", {}).get("SO", "unknown")
    if order != "coordinate":
        raise InputError(f"{path}: not sorted by coordinate (@HD SO:{order}); give STAR's sorted BAM "
                         "(--outSAMtype BAM SortedByCoordinate) or leave chimeric_junction empty to align its reads "
                         "again")  # fmt: skip
    command = program.get("CL", "")
    segment = star_option(command, "chimSegmentMin")
    if not segment or not segment[0].isdigit() or int(segment[0]) == 0:
        raise InputError(f"{path}: STAR ran without chimeric detection (--chimSegmentMin "
                         f"{segment[0] if segment else 'not set'}); leave chimeric_junction empty to align again")  # fmt: skip
    output = star_option(command, "chimOutType")
    if output and "Junctions" not in output:  # STAR's default is Junctions; WithinBAM alone writes none
        raise InputError(f"{path}: STAR wrote no Chimeric.out.junction in that run (--chimOutType "
                         f"{' '.join(output)}); leave chimeric_junction empty to align again")  # fmt: skip
    if arriba and "WithinBAM" not in output:
        raise InputError(f"{path}: Arriba needs the chimeric alignments inside the BAM (STAR --chimOutType "
                         "WithinBAM); leave chimeric_junction empty to align again")  # fmt: skip
    lengths = fasta_lengths(reference, fai)
    contigs = {sq["SN"]: sq.get("LN") for sq in header.get("SQ", [])}
    resized, only_bam, missing = contig_differences(contigs, lengths)
    other = "the BAM was aligned to another reference than the run's"
    if resized:
        name = resized[0]
        raise InputError(f"{path}: contig {name} is {contigs[name]} bp in the BAM but {lengths[name]} bp in "
                         f"{reference}: {other}")  # fmt: skip
    if only_bam:
        raise InputError(f"{path}: its contig {only_bam[0]} is not in {reference}: {other}")
    if missing:
        raise InputError(f"{path}: {reference}'s contig {missing[0]} is not in the BAM header "
                         f"({len(missing)} missing): {other}")  # fmt: skip
    return program.get("VN", "unknown")


def fasta_lengths(reference: str, fai: str) -> dict:
    """{contig: length} of the run's FASTA, from the workflow's own .fai (rule faidx): nothing is written
    beside the lab's FASTA."""
    import pysam

    with pysam.FastaFile(reference, filepath_index=fai) as fasta:
        return dict(zip(fasta.references, fasta.lengths))


def check_junctions(path: str, contigs: set) -> None:
    """The first records of Chimeric.out.junction: STAR's columns, on the BAM's contigs."""
    records = 0
    with open(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith("#") or line.startswith("chr_donorA") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 14:
                raise InputError(f"{path}, line {number}: {len(fields)} columns; a STAR Chimeric.out.junction has "
                                 "at least 14")  # fmt: skip
            for contig in (fields[0], fields[3]):
                if contig not in contigs:
                    raise InputError(f"{path}, line {number}: contig {contig} is not in the BAM's header: the "
                                     "junctions are of another alignment")  # fmt: skip
            records += 1
            if records >= JUNCTION_RECORDS:
                break


def input_reads(path: str) -> int:
    """Log.final.out's input reads (read pairs, or reads for single-end)."""
    text = read_log_final(path).get("Number of input reads", "")
    if not text.isdigit():
        raise InputError(f"{path}: no 'Number of input reads' line; not a STAR Log.final.out")
    return int(text)


def check_gene_counts(path: str, gene_ids: set) -> None:
    """ReadsPerGene.out.tab: STAR's 4 columns, its gene IDs those of the run's annotation (versions aside)."""
    ids = []
    with open(path) as fh:
        for number, line in enumerate(fh, start=1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4 or not all(f.isdigit() for f in fields[1:]):
                raise InputError(
                    f"{path}, line {number}: not a STAR ReadsPerGene.out.tab line (gene and 3 counts)"
                )
            if not fields[0].startswith("N_"):
                ids.append(fields[0].split(".")[0])
    known = sum(gene in gene_ids for gene in ids)
    if not ids or known < GENE_ID_SHARE * len(ids):
        raise InputError(f"{path}: {known} of its {len(ids)} gene IDs are in the run's annotation: STAR's index was "
                         "built with another GTF")  # fmt: skip


def check_given(
    path: str, header: dict, reference: str, files: dict, gtf: str, fai: str, arriba: bool
) -> int:
    """Every check of the module's docstring on a given STAR alignment (`files`: the rule's inputs,
    common/star_outputs.GIVEN_STAR_FILES); its input read pairs."""
    from fusion_pipeline.align.bam_input import is_cram

    if is_cram(path):
        raise InputError(f"{path}: a CRAM cannot be used as STAR's alignment; leave chimeric_junction empty to "
                         "align its reads again")  # fmt: skip
    check_header(path, header, reference, fai, arriba)
    with open(gtf) as fh:  # the run's own annotation: its errors are not the lab's files'
        gene_ids = gtf_gene_ids(fh)
    checks = (
        (files["chimeric_junction"], lambda p: check_junctions(p, {sq["SN"] for sq in header.get("SQ", [])})),
        (files["given_gene_counts"], lambda p: check_gene_counts(p, gene_ids)),
        (files["given_log_final"], input_reads),
    )
    for text_file, check in checks:  # a text file that cannot be read is named, not the BAM
        try:
            pairs = check(text_file)
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{text_file}: cannot be read as text ({err})") from None
    return pairs


def link_to(source: str, target: str) -> None:
    """A symbolic link to the lab's file (a BAM is large). Not a hard link: Snakemake touches every output
    after its job, which through a hard link would date the lab's BAM anew and rerun the sample each time."""
    if os.path.lexists(target):
        os.remove(target)
    os.symlink(os.path.abspath(source), target)


def first_out_of_order(path: str) -> str | None:
    """Where a BAM's reads first go back in coordinate order, or None when they never do."""
    import pysam

    last = (-1, -1, None)
    with pysam.AlignmentFile(path, check_sq=False) as bam:
        for read in bam.fetch(until_eof=True):
            here = (read.reference_id, read.reference_start) if read.reference_id >= 0 else (1 << 30, 0)
            if here < last[:2]:
                return (f"read {read.query_name} at {read.reference_name}:{read.reference_start + 1} follows "
                        f"{last[2]}")  # fmt: skip
            where = (
                f"{read.reference_name}:{read.reference_start + 1}"
                if read.reference_id >= 0
                else "unmapped reads"
            )
            last = (*here, where)
    return None


def write_empty_alignment(outputs, reference: str, fai: str, version_line: str) -> None:
    """{sample}/star/ for a given alignment that failed its check: a BAM of the reference's contigs and no
    reads, and STAR's other files empty, so no step can read anything from the input."""
    import pysam

    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": n, "LN": n_len} for n, n_len in fasta_lengths(reference, fai).items()]}  # fmt: skip
    for path in (outputs.bam, outputs.bai):  # may be a link to the lab's BAM: never written through
        if os.path.lexists(path):
            os.remove(path)
    with pysam.AlignmentFile(outputs.bam, "wb", header=header):
        pass
    pysam.index(outputs.bam, outputs.bai)
    for path in (outputs.junctions, outputs.log_final, outputs.splice_junctions, outputs.gene_counts):
        open(path, "w").close()
    with open(outputs.log_main, "w") as fh:
        fh.write(version_line)


def take_given_alignment(inputs, outputs, reference: str, fai: str, head: dict) -> dict:
    """The given STAR files into {sample}/star/ (the BAM indexed here); the whole verdict: `head`, or failed
    when samtools cannot index the BAM (reads out of order despite its header)."""
    import pysam

    from fusion_pipeline.align.check_fastq import failed_verdict

    if head["status"] != "ok":  # the BAM may not even be one: nothing is read from it
        write_empty_alignment(
            outputs, reference, fai, "This sample's STAR alignment failed its input check.\n"
        )
        return head
    with pysam.AlignmentFile(inputs.bam, check_sq=False) as bam:
        program = star_program(bam.header.to_dict()) or {}
    version_line = (f"This sample's STAR alignment was given in the sample sheet (bam, chimeric_junction), not run "
                    f"here; its BAM header says STAR version={program.get('VN', 'unknown')}\n")  # fmt: skip
    link_to(inputs.bam, outputs.bam)
    try:
        pysam.index(outputs.bam, outputs.bai)
    except pysam.SamtoolsError as err:
        disorder = first_out_of_order(outputs.bam)
        if disorder is None:  # not the reads' order (the disk, say): a tool failure, not the input's
            first = (str(err).strip().splitlines() or ["no message"])[0]
            raise ToolError(f"samtools index failed on {outputs.bam} ({first}); see the log") from None
        logging.warning("samtools index failed on %s: %s", inputs.bam, disorder)
        verdict = {**head, **failed_verdict(InputError(
            f"{inputs.bam}: not sorted by coordinate although its header says so ({disorder}); sort it "
            "(samtools sort) or leave chimeric_junction empty to align its reads again"))}  # fmt: skip
        write_empty_alignment(outputs, reference, fai, version_line)
        return verdict
    targets = {"chimeric_junction": outputs.junctions, "given_log_final": outputs.log_final,
               "given_splice_junctions": outputs.splice_junctions, "given_gene_counts": outputs.gene_counts}  # fmt: skip
    for key, target in targets.items():
        shutil.copyfile(inputs[key], target)
    if inputs.get("given_log_main"):
        shutil.copyfile(inputs.given_log_main, outputs.log_main)
    else:
        with open(outputs.log_main, "w") as fh:
            fh.write(version_line)
    return head
