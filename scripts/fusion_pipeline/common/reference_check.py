"""Reference checks cheap enough for every parse of the workflow (standard library only).

A GTF without gene_name attributes, or one whose chromosome names are not the
FASTA's, would otherwise fail only in rule prepare_annotation, after jobs have
started. Reading stops as soon as the answer is known: a good reference costs
the first rows of the GTF and the first headers of the FASTA (or its .fai);
only a reference about to be refused is read to its end, which is what proves
that no row or contig matches. The checks agree with prepare_annotation's
(reference/prepare_annotation.py clip_gtf), which still reads everything.
"""

import os
from contextlib import contextmanager

from fusion_pipeline.common.errors import InputError

BLOCK = 1 << 22


def _names(names, limit: int = 5) -> str:
    ordered = sorted(names)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def _fai_contigs(fasta: str) -> list | None:
    """Contig names of the .fai beside the FASTA, when it is not older than the FASTA."""
    fai = fasta + ".fai"
    try:
        if os.path.getmtime(fai) < os.path.getmtime(fasta):
            return None
        with open(fai, "rb") as fh:
            names = [line.split(b"\t", 1)[0].decode() for line in fh if line.strip()]
    except (OSError, UnicodeDecodeError):
        return None
    return names or None


@contextmanager
def _plain_text(path: str, kind: str):
    """The file opened in binary; one InputError line when it is gzipped or cannot be read."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) == b"\x1f\x8b":
                raise InputError(f"{path}: gzipped {kind} is not supported; decompress it first")
            fh.seek(0)
            yield fh
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err})") from None


def fasta_headers(fasta: str):
    """Yield the contig names of a FASTA's '>' lines, found block by block (no loop over lines)."""
    with _plain_text(fasta, "FASTA") as fh:
        yield from _headers(fh)


def _headers(fh):
    # '>' is searched alone (memchr: 0.07 s per GB, 14 times faster than "\n>") and kept when
    # it starts a line; only headers hold one
    data, before = b"", b"\n"  # `before`: the byte preceding data
    while True:
        block = fh.read(BLOCK)
        data += block
        start = 0
        while (at := data.find(b">", start)) >= 0:
            if (data[at - 1 : at] if at else before) != b"\n":
                start = at + 1
                continue
            end = data.find(b"\n", at)
            if end < 0 and block:  # the header goes on in the next block
                break
            end = end if end >= 0 else len(data)
            name = data[at + 1 : end].split(maxsplit=1)
            if name:
                yield name[0].decode(errors="replace")
            start = end
        if not block:
            return
        if at >= 0:
            data, before = data[at:], b"\n"
        else:
            data, before = b"", data[-1:] or before


def _gtf_rows(gtf: str):
    """(line number, fields) of a GTF's data rows."""
    with _plain_text(gtf, "GTF") as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith(b"#") or not line.strip():
                continue
            fields = line.rstrip(b"\r\n").split(b"\t")
            if len(fields) != 9:
                raise InputError(f"{gtf}: line {number} has {len(fields)} tab-separated fields, not 9")
            yield number, fields


def check_reference(fasta: str, gtf: str) -> None:
    """InputError (one line naming the file) unless some exon row has gene_name and some row's
    chromosome is in the FASTA."""
    rows = _gtf_rows(gtf)
    gtf_contigs = set()
    exons, first_unnamed, named = 0, None, False
    for number, fields in rows:  # until an exon has gene_name
        gtf_contigs.add(fields[0])
        if fields[2] == b"exon":
            exons += 1
            if b'gene_name "' in fields[8]:
                named = True
                break
            first_unnamed = first_unnamed or number
    if not exons:
        raise InputError(f"{gtf}: no exon rows")
    if not named:
        raise InputError(
            f"{gtf}: exon rows have no gene_name attribute (none of {exons}, the first on line "
            f"{first_unnamed}); the pipeline names fusion partners by gene_name"
        )
    wanted = {name.decode(errors="replace") for name in gtf_contigs}
    fasta_contigs = _fai_contigs(fasta)
    if fasta_contigs is None:
        fasta_contigs = []
        for name in fasta_headers(fasta):
            if name in wanted:
                return
            fasta_contigs.append(name)
    elif wanted & set(fasta_contigs):
        return
    if not fasta_contigs:
        raise InputError(f"{fasta}: not a FASTA file (no '>' header line)")
    known = set(fasta_contigs)
    for _, fields in rows:  # the rest of the GTF: one row on a FASTA contig is enough
        name = fields[0].decode(errors="replace")
        if name in known:
            return
        wanted.add(name)
    raise InputError(
        f"{gtf}: no chromosome name matches the FASTA (GTF has {_names(wanted)}; {fasta} has "
        f"{_names(known)}); check the 'chr' prefix"
    )
