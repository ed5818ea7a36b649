def test_fastp_counts_reads_so_pairs_are_halved_only_for_paired_reads(tmp_path):
    import json

    from fusion_pipeline.qc.qc_metrics import fastp_metrics

    paired, single = tmp_path / "paired.json", tmp_path / "single.json"
    paired.write_text(json.dumps({"summary": {"before_filtering": {"total_reads": 200, "read1_mean_length": 100,
                                                                   "read2_mean_length": 100},
                                              "after_filtering": {"total_reads": 190}}}))  # fmt: skip
    single.write_text(json.dumps({"summary": {"before_filtering": {"total_reads": 100, "read1_mean_length": 100},
                                              "after_filtering": {"total_reads": 95}}}))  # fmt: skip
    assert fastp_metrics(str(paired)) == {"input_read_pairs": 100, "trimmed_read_pairs": 95}
    assert fastp_metrics(str(single)) == {"input_read_pairs": 100, "trimmed_read_pairs": 95}


def test_a_report_of_reads_that_never_went_through_fastp_gives_no_fastp_counts(tmp_path):
    from fusion_pipeline.align.trimming import write_empty_report
    from fusion_pipeline.qc.qc_metrics import fastp_metrics

    write_empty_report(str(tmp_path / "f.json"), str(tmp_path / "f.html"), "alignment given as it is")
    assert fastp_metrics(str(tmp_path / "f.json")) == {}  # the input check's read pairs stand
