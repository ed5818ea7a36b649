from fusion_pipeline.common.sequtil import STOP_CODONS, revcomp
from fusion_pipeline.simulation.design import DEMO_DESIGN, FusionSpec, SampleSpec
from fusion_pipeline.simulation.genome import build_genome, exon_boundary, gtf_rows
from fusion_pipeline.simulation.library import classify_fragment
from fusion_pipeline.simulation.simulate import write_dataset


def test_genes_have_canonical_introns_and_stop_free_cds():
    contigs, genes = build_genome(seed=1)
    for gene in genes.values():
        seq = contigs[gene.chrom]
        exons = gene.exons
        for (s1, e1), (s2, e2) in zip(exons, exons[1:]):
            if gene.spec.strand == "+":
                intron = seq[e1 : s2 - 1]
            else:
                intron = revcomp(seq[e2 : s1 - 1])
            assert intron[:2] == "GT" and intron[-2:] == "AG", gene.spec.name
        spliced = "".join(seq[s - 1 : e] for s, e in exons)
        if gene.spec.strand == "-":
            spliced = "".join(revcomp(seq[s - 1 : e]) for s, e in exons)
        assert spliced == gene.mrna
        cds = gene.mrna[gene.cds_start : gene.cds_end]
        codons = [cds[i : i + 3] for i in range(0, len(cds), 3)]
        assert codons[0] == "ATG" and codons[-1] in STOP_CODONS
        assert not STOP_CODONS & set(codons[:-1])


def test_anchored_exons_start_at_the_named_codon():
    _, genes = build_genome(seed=1)
    alk = genes["ALK"]
    offset = sum(alk.exon_lengths[:19])
    assert offset == alk.cds_start + 3 * (1058 - 1)
    assert alk.mrna[alk.cds_start + 3 * 1201 : alk.cds_start + 3 * 1202] in {"GGT", "GGC", "GGA", "GGG"}


def test_gtf_cds_phase_and_boundaries():
    _, genes = build_genome(seed=1)
    rows = [r.split("\t") for r in gtf_rows(genes)]
    alk_cds = [r for r in rows if r[2] == "CDS" and 'gene_name "ALK"' in r[8]]
    assert len({r[8] for r in alk_cds}) == len(alk_cds)
    total = 0
    for r in alk_cds:  # phase = bases to skip to reach the next codon start
        assert int(r[7]) == (3 - total % 3) % 3
        total += int(r[4]) - int(r[3]) + 1
    assert total == 3 * 1620  # CDS without the stop codon
    # minus strand: the last transcribed base of an exon is its lowest coordinate
    assert exon_boundary(genes["ALK"], 20, "end") == genes["ALK"].exons[19][0]
    assert exon_boundary(genes["ALK"], 20, "start") == genes["ALK"].exons[19][1]


def test_classify_fragment():
    assert classify_fragment(0, 300, 50) == "junction"
    assert classify_fragment(0, 300, 150) == "spanning"
    assert classify_fragment(0, 300, 5) == "other"


def test_dataset_is_deterministic_and_truth_matches_design(tmp_path):
    design = [SampleSpec("A", "P", 1, [FusionSpec("ETV6", 5, "NTRK3", 15, 0.5)]), SampleSpec("B", "P", 2)]
    one = write_dataset(tmp_path / "one", design)
    two = write_dataset(tmp_path / "two", design)
    assert (tmp_path / "one/reads/A_R1.fastq.gz").read_bytes() == (
        tmp_path / "two/reads/A_R1.fastq.gz"
    ).read_bytes()
    (truth,) = one["truth"]
    assert truth == two["truth"][0]
    assert truth["breakpoint3"].endswith(":-") and truth["exon3"] == 15
    assert truth["sim_junction_fragments"] > 0
    assert len(DEMO_DESIGN) >= 6


def test_reads_come_in_flow_cell_order_with_mates_paired(tmp_path):
    """FlowCellOrder: every pair once, mates together, not in molecule (gene) order, the same for the same seed."""
    import io

    from fusion_pipeline.simulation.library import FlowCellOrder

    pairs = [
        (f"@g{n // 100}_{n}\nACGT\n+\nIIII\n", f"@g{n // 100}_{n}\nTTTT\n+\nIIII\n") for n in range(1000)
    ]

    def shuffled(seed):
        out1, out2 = io.StringIO(), io.StringIO()
        order = FlowCellOrder(out1, out2, seed, str(tmp_path), buckets=8)
        for record1, record2 in pairs:
            order.write(record1, record2)
        order.close()
        names1 = out1.getvalue().splitlines()[::4]
        names2 = out2.getvalue().splitlines()[::4]
        return names1, names2

    names1, names2 = shuffled("s1")
    assert names1 == names2  # mates stay at the same position
    assert sorted(names1) == sorted(p[0].split("\n")[0] for p in pairs)
    assert names1 != [p[0].split("\n")[0] for p in pairs]
    first_genes = {name.split("_")[0] for name in names1[:100]}
    assert len(first_genes) > 5  # the first reads already come from across the "genome" (10 genes here)
    assert shuffled("s1") == (names1, names2) and shuffled("s2")[0] != names1
    assert not list(tmp_path.iterdir())  # temporary buckets removed
