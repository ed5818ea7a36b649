"""STAR Chimeric.out.junction: parsing, breakpoint normalisation and clustering.

Each record is turned into two breakends, (chrom, pos, dir): `pos` is the last
retained base next to the junction and `dir` is +1 when the retained part lies
at and below `pos` (the partner is joined above it), -1 when it lies at and
above. STAR writes the same junction from reads of either strand with donor
and acceptor swapped; ordering the two breakends makes both land in one
cluster.

Split records (junction_type >= 0) give exact breakpoints. Encompassing
records (junction_type -1, mates on either side) give the mates' inner ends
and are assigned to a split-read breakpoint they agree with.

Everything is columnar (pyarrow reader, numpy on integer codes; records are
grouped by sorting packed integer keys) so a million records take about a
second.
"""

import gzip
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from fusion_pipeline.common.errors import InputError

_NAMES = [
    "chrA", "brkA", "strandA", "chrB", "brkB", "strandB", "junction_type", "repeat_left", "repeat_right",
    "read_name", "startA", "cigarA", "startB", "cigarB", "num_chim_aln",
]  # fmt: skip
_WANTED = ["chrA", "brkA", "strandA", "chrB", "brkB", "strandB", "junction_type", "repeat_left", "repeat_right",
           "startA", "cigarA", "startB", "cigarB", "num_chim_aln"]  # fmt: skip
_TEXT = ("chrA", "chrB", "cigarA", "cigarB")
_STRANDS = {"strandA": pa.bool_(), "strandB": pa.bool_()}  # '+' true, '-' false (no strings to hash)
_INTS = {"brkA": pa.int64(), "brkB": pa.int64(), "startA": pa.int64(), "startB": pa.int64(),
         "junction_type": pa.int8(), "repeat_left": pa.int16(), "repeat_right": pa.int16(),
         "num_chim_aln": pa.float32()}  # fmt: skip
_CIGAR = re.compile(r"(-?\d+)([MIDNSHPX=p])")


def _ops(cigar: str) -> list[tuple[int, str]]:
    """CIGAR operations as (length, op). STAR writes a negative length that underflowed as unsigned
    (18446744073709551601S is -15S, seen with --clip3pAdapterSeq); it is read back as the negative it is."""
    return [(int(n) - (1 << 64) if int(n) >= 1 << 63 else int(n), op) for n, op in _CIGAR.findall(cigar)]


KEY = ["chr1", "pos1", "dir1", "chr2", "pos2", "dir2"]
FRAGMENT = ["dir1", "start1", "cigar1", "dir2", "start2", "cigar2"]  # what _fragment_keys reads


@dataclass
class Junctions:
    """Records as numpy columns, chromosomes and CIGARs as integer codes into `chroms` / `cigars`."""

    columns: dict  # name -> np.ndarray, all of one length
    chroms: list
    cigars: list

    def __len__(self) -> int:
        return len(self.columns["brkA"])

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


def take(columns: dict, rows, names=None) -> dict:
    """The given rows (indices or a boolean mask) of every column, or of the columns `names`."""
    return {name: columns[name][rows] for name in names or columns}


def as_columns(records) -> dict:
    """{name: np.ndarray} of a DataFrame, or of a dict of columns."""
    return {name: np.asarray(records[name]) for name in records}


def _open_text(path: str):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)


def _layout(path: str) -> tuple[bool, int]:
    """(has a header line, number of columns of the first record); 0 columns when empty."""
    has_header = False
    with _open_text(path) as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            if line.startswith("chr_donorA"):
                has_header = True
                continue
            return has_header, len(line.rstrip("\n").split("\t"))
    return has_header, 0


def _skip_comment(row) -> str:
    return "skip" if row.text.startswith("#") else "error"


def read_junctions(path: str, read_names: bool = False) -> Junctions:
    """Records of a Chimeric.out.junction file (plain or .gz); header and '#' lines dropped.

    Works on the 14-column legacy format and on `--chimOutJunctionFormat 1`
    (header line, 20-21 columns, trailing '#' comment lines). With
    `read_names`, column `read_name` holds the names (for UMIs; off by
    default: strings cost time and memory the caller does not need).
    """
    has_header, n_fields = _layout(path)
    if n_fields == 0:
        columns = ["chrA", "brkA", "plusA", "chrB", "brkB", "plusB", "junction_type", "homology", "startA",
                   "cigarA", "startB", "cigarB", "num_chim_aln"]  # fmt: skip
        empty = {c: np.zeros(0, dtype=np.int64) for c in columns}
        if read_names:
            empty["read_name"] = np.zeros(0, dtype=object)
        return Junctions(empty, [], [])
    if n_fields < 14:
        raise InputError(f"{path}: {n_fields} columns; a STAR Chimeric.out.junction has at least 14")
    names = _NAMES[:n_fields] + [f"extra{i}" for i in range(n_fields - len(_NAMES))]
    wanted = [n for n in _WANTED + ["read_name"] * read_names if n in names]
    as_dict = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            # small blocks: every thread gets several, and less of the file is held in memory at once
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=int(has_header), block_size=1 << 22),
            parse_options=pacsv.ParseOptions(
                delimiter="\t", quote_char=False, invalid_row_handler=_skip_comment
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={**{c: as_dict for c in _TEXT}, **_STRANDS, **_INTS, "read_name": pa.string()},
                true_values=["+"],
                false_values=["-"],
                # STAR writes no empty or NA fields, and only ASCII: looking for them per field costs ~10%
                null_values=[],
                check_utf8=False,
            ),
        ).unify_dictionaries()
    except (pa.ArrowInvalid, OSError) as err:
        raise InputError(
            f"{path}: not a STAR Chimeric.out.junction file ({str(err).splitlines()[0]})"
        ) from None
    columns = {name: table.column(name) for name in wanted}
    chroms, chr_a, chr_b = _shared_codes(columns["chrA"], columns["chrB"])
    cigars, cigar_a, cigar_b = _shared_codes(columns["cigarA"], columns["cigarB"])
    records = {
        "chrA": chr_a, "brkA": columns["brkA"].to_numpy(), "plusA": _plus(columns["strandA"]),
        "chrB": chr_b, "brkB": columns["brkB"].to_numpy(), "plusB": _plus(columns["strandB"]),
        "junction_type": columns["junction_type"].to_numpy(),
        # the junction can slide over this many bases: the two sides' shared (micro)homology
        "homology": columns["repeat_left"].to_numpy().astype(np.int16) + columns["repeat_right"].to_numpy(),
        "startA": columns["startA"].to_numpy(), "cigarA": cigar_a,
        "startB": columns["startB"].to_numpy(), "cigarB": cigar_b,
        "num_chim_aln": (
            columns["num_chim_aln"].to_numpy() if "num_chim_aln" in columns else np.full(len(chr_a), 1.0)
        ),
    }  # fmt: skip
    if read_names:
        records["read_name"] = np.asarray(columns["read_name"].to_pylist(), dtype=object)
    comment = np.array([c.startswith("#") for c in chroms], dtype=bool)
    if comment.any():  # a '#' line that happened to have the right number of columns
        records = take(records, ~comment[records["chrA"]])
    return Junctions(records, chroms, cigars)


def _codes(column) -> tuple[np.ndarray, list]:
    if column.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in column.chunks])
    return codes, column.chunk(0).dictionary.to_pylist()


def _shared_codes(column_a, column_b) -> tuple[list, np.ndarray, np.ndarray]:
    """Re-code two dictionary columns onto one shared list of values."""
    codes_a, values_a = _codes(column_a)
    codes_b, values_b = _codes(column_b)
    values = list(dict.fromkeys(values_a + values_b))  # A's (distinct) values first: A's codes stand
    lookup = {value: i for i, value in enumerate(values)}
    map_b = np.array([lookup[v] for v in values_b], dtype=np.int32)
    return values, codes_a, (map_b[codes_b] if len(map_b) else codes_b)


def _plus(column) -> np.ndarray:
    return column.to_numpy() if column.num_chunks else np.zeros(0, dtype=bool)


def normalise(junctions: Junctions) -> pd.DataFrame:
    """The columns of normalise_columns as a DataFrame."""
    return pd.DataFrame(normalise_columns(junctions))


def out_of_order(chr1, pos1, chr2, pos2):
    """Where breakend 1 comes after breakend 2 (by contig code, then position): the pairs a table in the
    records' order swaps (arrays or Series)."""
    return (chr1 > chr2) | ((chr1 == chr2) & (pos1 > pos2))


def normalise_columns(junctions: Junctions) -> dict:
    """Ordered breakends (chr1,pos1,dir1,chr2,pos2,dir2), alignments and `five_is_1`.

    `five_is_1` is +1 when the splice motif says side 1 is the 5' partner
    (GT/AG read in the donor->acceptor direction), -1 when side 2 is, 0 when
    the record carries no motif (non-canonical or encompassing).
    """
    records = junctions.columns
    plus_a, plus_b = records["plusA"].astype(np.int8), records["plusB"].astype(np.int8)
    pos_a, dir_a = records["brkA"] + 1 - 2 * plus_a, 2 * plus_a - 1  # '+': A retains bases up to brkA - 1
    pos_b, dir_b = records["brkB"] - 1 + 2 * plus_b, 1 - 2 * plus_b  # '+': B retains bases from brkB + 1
    chr_a, chr_b = records["chrA"], records["chrB"]
    swap = out_of_order(chr_a, pos_a, chr_b, pos_b)
    jtype = records["junction_type"]
    motif = (jtype == 1).astype(np.int8) - (jtype == 2)  # +1: A is 5'
    masks = {}  # all bits set where swapped, one per integer type

    def mask(dtype):
        if dtype not in masks:
            masks[dtype] = -swap.astype(dtype)
        return masks[dtype]

    def ordered(a, b):
        """(a, b) swapped where `swap`; branch-free (np.where stalls on a mask as random as this one)."""
        second = a ^ b
        second &= mask(a.dtype)  # the bits that change where swapped
        first = second ^ a
        second ^= b
        return first, second

    # alignments in side order, so PCR copies read from either strand compare equal
    chr1, chr2 = ordered(chr_a, chr_b)
    pos1, pos2 = ordered(pos_a, pos_b)
    dir1, dir2 = ordered(dir_a, dir_b)
    start1, start2 = ordered(records["startA"], records["startB"])
    cigar1, cigar2 = ordered(records["cigarA"], records["cigarB"])
    return {
        "chr1": chr1, "pos1": pos1, "dir1": dir1, "chr2": chr2, "pos2": pos2, "dir2": dir2,
        "five_is_1": (motif ^ mask(motif.dtype)) - mask(motif.dtype),  # -motif where swapped
        "start1": start1, "cigar1": cigar1, "start2": start2, "cigar2": cigar2,
        "junction_type": jtype, "homology": records["homology"], "num_chim_aln": records["num_chim_aln"],
    }  # fmt: skip


def _pack(columns: dict, side: str) -> np.ndarray:
    """One int64 per breakend: chrom code, position and direction."""
    key = columns[f"chr{side}"].astype(np.int64) << 34
    key |= columns[f"pos{side}"].astype(np.int64, copy=False) << 1
    key |= columns[f"dir{side}"] > 0
    return key


def cluster_split_reads(records, merge_distance: int = 5, cigars: list | None = None):
    """split_read_clusters on a DataFrame (or columns) of records, as DataFrames.

    Returns (clusters, split records with their `duplicate` flag and `cluster` id).
    """
    columns = as_columns(records)
    clusters, split = split_read_clusters(columns, merge_distance, cigars)
    rows = split.pop("rows")
    frame = records.iloc[rows] if isinstance(records, pd.DataFrame) else pd.DataFrame(take(columns, rows))
    return pd.DataFrame(clusters), frame.assign(**split)


def split_read_clusters(records: dict, merge_distance: int = 5, cigars: list | None = None):
    """Split-read clusters with de-duplicated fragment counts, as columns.

    Returns (clusters, split) where split holds the split records' `rows` in
    `records`, their `duplicate` flag and the `cluster` id they ended in. Each
    record is one fragment; multimapping chimeras (num_chim_aln > 1) are left
    out. Duplicates (PCR copies) are fragments with the same breakpoint and
    the same two fragment ends: as Picard defines them, each end is the mate's
    unclipped 5' position, so copies whose read ends STAR clipped differently
    (sequencing errors, adapter remnants) still count once. Without `cigars`
    (the CIGAR strings the codes index), identical alignments are required.
    Clusters within `merge_distance` on both sides are merged into the better
    supported one; `homology` is the head record's (STAR's repeat lengths).
    """
    rows = np.flatnonzero((records["junction_type"] >= 0) & (records["num_chim_aln"] <= 1))
    split = {name: records[name][rows] for name in (*KEY, "five_is_1")}
    codes, n = group_codes(_pack(split, "1"), _pack(split, "2"))
    duplicate = np.zeros(len(rows), dtype=bool)
    fragments = np.bincount(codes, minlength=n)
    shared = fragments[codes] > 1  # a lone read has no PCR copy to compare with
    if shared.any():
        copies, _ = group_codes(codes[shared], *_fragment_keys(take(records, rows[shared], FRAGMENT), cigars))
        duplicate[shared] = first_occurrence(copies) == 0
    # counted over all reads less the copies: one selection of rows (the copies) instead of two
    dups = np.bincount(codes[duplicate], minlength=n)
    reads = fragments - dups
    five = split["five_is_1"]
    motif = np.bincount(codes, weights=five, minlength=n) - np.bincount(
        codes[duplicate], weights=five[duplicate], minlength=n
    )
    heads = np.flatnonzero(first_occurrence(codes))  # a breakpoint's first read is no PCR copy: reads >= 1
    homology = records["homology"][rows[heads]] if "homology" in records else np.zeros(n, dtype=np.int64)
    clusters = {
        **{k: split[k][heads] for k in KEY},
        "junction_reads": reads, "duplicates": dups, "motif": motif.astype(np.int64), "homology": homology,
    }  # fmt: skip
    clusters, own_to_target = _merge_adjacent(clusters, merge_distance)
    # each split record goes to the cluster that absorbed its own
    return clusters, {"rows": rows, "duplicate": duplicate, "cluster": own_to_target[codes]}


def _fragment_keys(columns: dict, cigars: list | None) -> tuple[np.ndarray, np.ndarray]:
    """Two int64 keys identifying a fragment: its two ends, or (without CIGARs) its exact alignments."""
    if cigars is None:
        return _alignment_keys(columns)
    return fragment_end(columns, "1", cigars), fragment_end(columns, "2", cigars)


def fragment_end(columns: dict, side: str, cigars: list) -> np.ndarray:
    """Unclipped outer end of each record's segment on `side` (the mate's 5' end, as Picard uses it).

    A segment retained at and below its breakend (dir +1) ends the fragment
    at its leftmost base, the other way at its rightmost; soft clips on that
    outer side are added back.
    """
    codes = np.asarray(columns[f"cigar{side}"])
    ref_len, lead, trail = cigar_table(cigars, codes, cigar_geometry, 3).T
    start = np.asarray(columns[f"start{side}"]).astype(np.int64)
    below = np.asarray(columns[f"dir{side}"]) > 0
    return np.where(below, start - lead[codes], start + (ref_len - 1 + trail)[codes])


def cigar_table(cigars: list, codes: np.ndarray, function, width: int = 1) -> np.ndarray:
    """function(cigar) for every CIGAR code, worked out only for the codes used (the rest are 0).

    One row of `width` integers per code (a flat array when width is 1).
    """
    used = np.flatnonzero(np.bincount(codes, minlength=len(cigars)))
    table = np.zeros((len(cigars), width), dtype=np.int64)
    if len(used):
        table[used] = np.array([function(cigars[c]) for c in used], dtype=np.int64).reshape(-1, width)
    return table[:, 0] if width == 1 else table


def cigar_geometry(cigar: str) -> tuple[int, int, int]:
    """(reference bases spanned, leading soft clip, trailing soft clip) of a STAR segment CIGAR.

    Mates joined by 'p' (their gap, negative when they overlap) count as one span.
    """
    ops = _ops(cigar)
    ref = sum(n for n, op in ops if op in "MDN=Xp")
    lead = ops[0][0] if ops and ops[0][1] == "S" else 0
    trail = ops[-1][0] if len(ops) > 1 and ops[-1][1] == "S" else 0
    return ref, lead, trail


def _alignment_keys(columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Both segments' starts in one int64, both CIGAR codes in another (exact)."""
    starts = (columns["start1"].astype(np.int64) << 32) | columns["start2"]
    cigars = (columns["cigar1"].astype(np.int64) << 32) | columns["cigar2"]
    return starts, cigars


def group_codes(*arrays) -> tuple[np.ndarray, int]:
    """Dense group id of each row over several integer columns, numbered in order of first appearance.

    The ids are those of pd.factorize on the rows' tuples. Sort-based: with
    hundreds of thousands of distinct keys, a hash table misses the cache on
    every row and sorting values is several times faster. Rows are sorted on
    the first column, then only rows still tied are sorted on the next.
    """
    order, ordered = stable_order(arrays[0])
    starts = _run_starts(ordered)
    for array in arrays[1:]:
        _break_ties(order, starts, np.asarray(array))
    return _appearance_codes(order, starts)


def _break_ties(order: np.ndarray, starts: np.ndarray, values: np.ndarray) -> None:
    """Sort the rows of each run of ties in `order` on `values` (stable), updating `order` and the run
    `starts` in place."""
    single = starts.copy()
    single[:-1] &= starts[1:]  # a run of one row: the next row starts a run too
    tied = np.flatnonzero(~single)
    if not len(tied):
        return
    rows = order[tied]
    value_order, value_ordered = stable_order(values[rows])
    value_codes = np.empty(len(rows), dtype=np.int64)
    value_codes[value_order] = np.cumsum(_run_starts(value_ordered)) - 1
    tied_run = np.cumsum(starts[tied]) - 1  # the runs of ties numbered 0.. in order
    within, keys = stable_order(tied_run * (value_codes[value_order[-1]] + 1) + value_codes)
    order[tied] = rows[within]
    starts[tied] = _run_starts(keys)


def _appearance_codes(order: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of rows from their stable sort order and run starts, the k-th group to appear being k."""
    if not len(order):
        return np.zeros(0, dtype=np.int64), 0
    first_rows = order[starts]  # a stable order puts each group's first row at the start of its run
    appeared = np.zeros(len(order), dtype=bool)
    appeared[first_rows] = True
    rank = np.cumsum(appeared) - 1
    codes = np.empty(len(order), dtype=np.int64)
    codes[order] = rank[first_rows][np.cumsum(starts) - 1]
    return codes, len(first_rows)


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before."""
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts


def stable_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(np.argsort(keys, kind="stable"), keys in that order) for integer keys.

    Sorting values is several times faster than an indirect sort, so when the
    key's range and the row index fit in 63 bits together, the index rides
    in the low bits of the values sorted.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if not len(keys):
        return np.zeros(0, dtype=np.int64), keys
    index_bits = (len(keys) - 1).bit_length()
    low = int(keys.min())
    if (int(keys.max()) - low).bit_length() + index_bits <= 63:
        packed = (keys - low) << index_bits
        packed |= np.arange(len(keys))
        packed.sort()
        order = packed & ((1 << index_bits) - 1)
        packed >>= index_bits
        packed += low
        return order, packed
    order = np.argsort(keys, kind="stable")
    return order, keys[order]


def first_occurrence(codes: np.ndarray) -> np.ndarray:
    """1 for the first row of each group, 0 for later copies.

    Codes from pd.factorize are numbered in order of appearance, so a row is a
    group's first exactly when its code exceeds every earlier code.
    """
    if not len(codes):
        return np.zeros(0, dtype=np.int8)
    running = np.maximum.accumulate(codes)
    first = np.empty(len(codes), dtype=bool)
    first[0] = True
    first[1:] = codes[1:] > running[:-1]
    return first.astype(np.int8)


def orientation_codes(*frames) -> list:
    """Dense integer id of (chr1, dir1, chr2, dir2), shared across frames (DataFrames or columns)."""
    packed = [
        (np.asarray(f["chr1"]).astype(np.int64) << 22) | ((np.asarray(f["dir1"]) > 0).astype(np.int64) << 21)
        | (np.asarray(f["chr2"]).astype(np.int64) << 1) | (np.asarray(f["dir2"]) > 0)
        for f in frames
    ]  # fmt: skip
    dense, _ = pd.factorize(np.concatenate(packed))
    bounds = np.cumsum([0] + [len(p) for p in packed])
    return [dense[bounds[i] : bounds[i + 1]].astype(np.int64) for i in range(len(frames))]


def window_search(group: np.ndarray, pos: np.ndarray, query_group, query_lo, query_hi):
    """For each query, indices of rows with the same group and lo <= pos <= hi.

    Returns (query index, row index) pairs; cost grows with the matches, not
    with rows x queries.
    """
    # (group, position) in one int64, positions in as few bits as they need (so stable_order can sort values)
    bits = int(max(np.max(pos, initial=0), np.max(query_hi, initial=0)) + 1).bit_length()
    order, ordered = stable_order((group << bits) | pos)
    lo = _search(ordered, (query_group << bits) | np.maximum(query_lo, 0), "left")
    hi = _search(ordered, (query_group << bits) | query_hi, "right")
    counts = hi - lo
    query = np.repeat(np.arange(len(counts)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return query, order[np.repeat(lo, counts) + offsets]


def _search(ordered: np.ndarray, values: np.ndarray, side: str) -> np.ndarray:
    """np.searchsorted(ordered, values, side), the values searched in sorted order.

    Each search then starts where the last one ended, in memory already
    cached: several times faster for many values in a large array.
    """
    order, sorted_values = stable_order(values)
    found = np.empty(len(values), dtype=np.int64)
    found[order] = np.searchsorted(ordered, sorted_values, side)
    return found


def _merge_adjacent(clusters: dict, distance: int) -> tuple[dict, np.ndarray]:
    """Greedy merge, best supported first; only multi-read clusters absorb others.

    `clusters` (columns) hold at least one read each. Returns the merged
    clusters (column `cluster` = id: the rank in support order) and, for
    every input row, the id of the cluster it ended in.
    """
    reads = clusters["junction_reads"]
    # a stable sort by support: most clusters are lone reads, they keep their order behind the others
    multi = np.flatnonzero(reads >= 2)
    order = np.concatenate([multi[np.argsort(-reads[multi], kind="stable")], np.flatnonzero(reads < 2)])
    target = np.arange(len(order))  # from here on a cluster is named by its rank in `order`
    heads = np.arange(len(multi))
    if distance > 0 and len(heads) and len(order) > 1:
        neighbours = _neighbours(clusters, order, heads, distance)
        for head in heads:  # best first: an absorbed head absorbs nothing
            if target[head] != head:
                continue
            for other in neighbours.get(head, ()):
                if target[other] == other and other > head:
                    target[other] = head
    kept = np.flatnonzero(target == np.arange(len(target)))
    absorbed = np.flatnonzero(target != np.arange(len(target)))
    merged = take(clusters, order[kept])
    slot = np.empty(len(order), dtype=np.int64)  # row of each kept cluster in `merged`
    slot[kept] = np.arange(len(kept))
    for column in ("junction_reads", "duplicates", "motif"):
        np.add.at(merged[column], slot[target[absorbed]], clusters[column][order[absorbed]])
    merged["cluster"] = kept
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.arange(len(order))
    return merged, target[inverse]


def _neighbours(clusters: dict, order: np.ndarray, heads: np.ndarray, distance: int) -> dict:
    """{head: other clusters within `distance` on both sides, same orientation}, in window_search order.

    Clusters are named by their rank in `order`.
    """
    # only clusters in the bin of a head's pos1 or the bins beside it (bins wider than `distance`) can be
    # neighbours: search among those, in their order (a hash lookup is cheaper than a search on every row)
    bins = clusters["pos1"][order] >> int(distance).bit_length()
    head_bins = bins[heads]
    candidates = np.flatnonzero(
        pd.Series(bins).isin(np.concatenate([head_bins - 1, head_bins, head_bins + 1]))
    )
    near, at_head = take(clusters, order[candidates]), take(clusters, order[heads])
    group, head_group = orientation_codes(near, at_head)
    query, found = window_search(
        group, near["pos1"], head_group, at_head["pos1"] - distance, at_head["pos1"] + distance
    )
    row = candidates[found]
    close = (np.abs(near["pos2"][found] - at_head["pos2"][query]) <= distance) & (row != heads[query])
    neighbours: dict = {}
    for q, r in zip(query[close], row[close]):
        neighbours.setdefault(heads[q], []).append(r)
    return neighbours


def spanning_records(records, cigars: list | None = None) -> pd.DataFrame:
    """Encompassing (mate-pair) records, de-duplicated by fragment ends, uniquely aligned."""
    rows = spanning_rows(as_columns(records), cigars)
    return records.iloc[rows] if isinstance(records, pd.DataFrame) else pd.DataFrame(take(records, rows))


def spanning_rows(records: dict, cigars: list | None = None) -> np.ndarray:
    """Row numbers of the records spanning_records keeps."""
    rows = np.flatnonzero((records["junction_type"] < 0) & (records["num_chim_aln"] <= 1))
    span = take(records, rows, [*KEY, "start1", "cigar1", "start2", "cigar2"])
    codes, _ = group_codes(_pack(span, "1"), _pack(span, "2"), *_fragment_keys(span, cigars))
    return rows[first_occurrence(codes) == 1]


def cigar_anchors(cigar_a: str, cigar_b: str) -> int:
    """Shorter aligned length on either side of the junction for a split read.

    With paired CIGARs ('p' joins the mates) the mate that carries the soft
    clip is the one crossing the junction.
    """
    return min(split_mate_aligned(cigar_a), split_mate_aligned(cigar_b))


def counted_split_reads(columns, cigars: list, min_anchor: int) -> np.ndarray:
    """Which records count as split fragments of a fusion, for abundance and for molecules alike.

    A split record (junction_type >= 0) placed once (num_chim_aln <= 1, as the
    caller's clusters take them) whose junction-crossing mate has `min_anchor`
    aligned bases on both sides. `columns` are normalise_columns' (or its DataFrame).
    """
    aligned = np.array([split_mate_aligned(c) for c in cigars], dtype=np.int64)
    cigar1, cigar2 = np.asarray(columns["cigar1"]), np.asarray(columns["cigar2"])
    anchor = np.minimum(aligned[cigar1], aligned[cigar2])
    return (
        (np.asarray(columns["junction_type"]) >= 0)
        & (np.asarray(columns["num_chim_aln"]) <= 1)
        & (anchor >= min_anchor)
    )


def split_mate_aligned(cigar: str) -> int:
    best = None
    for part in re.split(r"-?\d+p", cigar):
        ops = _ops(part)
        if not ops:
            continue
        aligned = sum(n for n, op in ops if op in "M=X")
        if any(op == "S" for _, op in ops):
            best = aligned if best is None else min(best, aligned)
    if best is None:  # no clipped mate: the whole segment aligned
        best = sum(n for n, op in _ops(cigar) if op in "M=X")
    return best
