"""MEDLINE text -> Record: the whole corpus, known records, and agreement with the XML parser."""

from __future__ import annotations

import dataclasses
import gzip
from datetime import date

import pytest
from litwatch.core.errors import ParseError
from litwatch.pubmed.formats import parse_file
from litwatch.pubmed.medline import parse_medline

# PMID 33967209 as PubMed's "PubMed format" export writes it; its XML is in the corpus
# (metapub_pmid_xml), and the corpus holds no PMID in both formats.
HEMODYNAMIC_MONITORING = """\
PMID- 33967209
OWN - NLM
STAT- MEDLINE
DCOM- 20210714
LR  - 20220802
IS  - 1531-7072 (Electronic)
IS  - 1070-5295 (Linking)
VI  - 27
IP  - 4
DP  - 2021 Aug 1
TI  - Hemodynamic monitoring in cardiogenic shock.
PG  - 454-459
LID - 10.1097/MCC.0000000000000838 [doi]
AB  - PURPOSE OF REVIEW: Cardiogenic shock remains a major cause of mortality today.
      With recent advancements in invasive mechanical support strategies, reperfusion
      practice, and a new classification scheme is proposed for cardiogenic shock, an
      updated review of the latest hemodynamic monitoring techniques is important.
      RECENT FINDINGS: Multiple recent studies have emerged supporting the use of
      pulmonary artery catheters in the cardiogenic shock population. Data likewise
      continues to emerge on the use of echocardiography and biomarker measurement in
      the care of these patients. SUMMARY: The integration of multiple forms of
      hemodynamic monitoring, spanning noninvasive and invasive modalities, is important
      in the diagnosis, staging, initial treatment, and subsequent management of the
      cardiogenic shock patient.
CI  - Copyright (c) 2021 Wolters Kluwer Health, Inc. All rights reserved.
FAU - VanDyck, Tyler J
AU  - VanDyck TJ
AD  - Department of Critical Care Medicine, University of Pittsburgh, Pittsburgh,
      Pennsylvania, USA.
FAU - Pinsky, Michael R
AU  - Pinsky MR
LA  - eng
GR  - R01 EB029751/EB/NIBIB NIH HHS/United States
PT  - Journal Article
PT  - Research Support, N.I.H., Extramural
PT  - Research Support, U.S. Gov't, Non-P.H.S.
PT  - Review
PL  - United States
TA  - Curr Opin Crit Care
JT  - Current opinion in critical care
JID - 9504454
SB  - IM
MH  - Catheterization, Swan-Ganz
MH  - Echocardiography
MH  - *Hemodynamic Monitoring
MH  - Humans
MH  - *Shock, Cardiogenic/diagnosis/therapy
PMC - PMC8243821
MID - NIHMS1695124
COIS- Conflicts of Interest: none
EDAT- 2021/05/11 06:00
MHDA- 2021/07/15 06:00
PMCR- 2022/08/01
CRDT- 2021/05/10 06:12
PHST- 2022/08/01 00:00 [pmc-release]
PHST- 2021/05/10 06:12 [entrez]
PHST- 2021/05/11 06:00 [pubmed]
PHST- 2021/07/15 06:00 [medline]
AID - 10.1097/MCC.0000000000000838 [doi]
AID - 00075198-202108000-00019 [pii]
PST - ppublish
SO  - Curr Opin Crit Care. 2021 Aug 1;27(4):454-459. doi: 10.1097/MCC.0000000000000838.
"""


def without_xml_only_details(record):
    """The record as MEDLINE text can hold it: no MeSH UIs, NLM categories or PMID version."""
    return dataclasses.replace(
        record,
        mesh_headings=tuple(dataclasses.replace(h, ui="") for h in record.mesh_headings),
        abstract=tuple(dataclasses.replace(s, nlm_category="") for s in record.abstract),
        version=1,
    )


def test_every_corpus_medline_record_parses(medline_files, records_by_file, sources_counts):
    for path in medline_files:
        records = records_by_file[path]
        assert len(records) == sources_counts[path], path.name
        assert all(r.pmid.isdigit() and r.title and r.publication_types for r in records)
        assert all(r.source_format == "medline" and r.entrez_date for r in records), path.name
    total = sum(len(records_by_file[path]) for path in medline_files)
    assert len(medline_files) == 12
    assert total == 810  # every record of corpus/medline, CRLF and .nbib files included


def test_xml_and_medline_give_the_same_record(xml_records):
    (from_medline,) = parse_medline(HEMODYNAMIC_MONITORING.encode())
    from_xml = xml_records["33967209"]
    assert from_medline == without_xml_only_details(from_xml)
    assert from_medline.content_hash() == without_xml_only_details(from_xml).content_hash()
    assert [s.label for s in from_medline.abstract] == [
        "PURPOSE OF REVIEW",
        "RECENT FINDINGS",
        "SUMMARY",
    ]
    assert from_medline.entrez_date == date(2021, 5, 10)  # PHST [entrez], as XML History 'entrez'


def test_crlf_and_lf_exports_give_the_same_records(tmp_path, medline_files, records_by_file):
    crlf = next(p for p in medline_files if p.name == "cardozojr__Mestrado__pubmed.txt")
    assert b"\r\n" in crlf.read_bytes()
    lf = tmp_path / "mestrado.txt"
    lf.write_bytes(crlf.read_bytes().replace(b"\r\n", b"\n"))
    assert list(parse_medline(lf)) == records_by_file[crlf]


def test_structured_abstract_and_mesh_qualifiers(medline_records):
    record = medline_records["16403221"]
    assert [s.label for s in record.abstract] == ["BACKGROUND", "RESULTS", "CONCLUSION"]
    assert record.abstract[2].text.startswith("The modules make the analysis")
    headings = {h.descriptor: h for h in record.mesh_headings}
    assert headings["Information Storage and Retrieval"].qualifiers == ("methods",)
    assert headings["Information Storage and Retrieval"].major  # starred qualifier
    assert headings["Software"].major and not headings["Programming Languages"].major
    assert record.authors[0].affiliations[0].startswith("Bioinformatics, Institute of Cell")
    assert record.authors[1].affiliations == ()
    assert (record.authors[0].last_name, record.authors[0].fore_name) == ("Casbon", "James A")
    assert record.authors[0].initials == "JA"
    assert record.doi == "10.1186/1471-2105-7-10" and record.pmc == "PMC1373603"
    assert record.completed_date == date(2006, 3, 14)
    assert record.entrez_date == date(2006, 1, 13)  # EDAT: this old export has no CRDT/PHST


def test_comment_links_keep_ref_type_pmid_and_source(medline_records):
    links = medline_records["36322838"].comments_corrections
    assert links[0].ref_type == "CommentIn"
    assert links[0].pmid == "36947474"
    assert links[0].source == "N Engl J Med. 2023 Mar 23;388(12):1145"


def test_trial_registry_ids_from_secondary_source_ids(medline_records):
    with_registry = {pmid: r.registry_ids for pmid, r in medline_records.items() if r.registry_ids}
    assert len(with_registry) == 9
    assert ("UMIN000016843",) in with_registry.values()


def test_nbib_export_parses(medline_files, records_by_file):
    nbib = next(p for p in medline_files if p.suffix == ".nbib")
    (record,) = records_by_file[nbib]
    assert record.abstract and record.authors


def test_text_without_pmid_is_refused():
    with pytest.raises(ParseError, match=r"^notes\.txt: MEDLINE record without PMID"):
        list(parse_medline(b"TI  - A title\nAB  - text\n", source_name="notes.txt"))


def test_parse_file_sniffs_medline(medline_files, records_by_file):
    path = medline_files[0]
    assert list(parse_file(path)) == list(parse_medline(path)) == records_by_file[path]


def test_gzipped_medline_export_is_sniffed_and_read(tmp_path, medline_files, records_by_file):
    path = medline_files[0]
    packed = tmp_path / "export.txt.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert list(parse_file(packed)) == records_by_file[path]
