"""CSV rows become forms exactly as the API reads them; problems are named by file line and
column."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.intake.domain.csv_rows import COLUMNS, HEADER_PATTERN, BadCsv, read_rows
from services.intake.domain.imports import row_form
from services.intake.domain.submission import ApplicationForm

pytestmark = pytest.mark.unit

HEADER = (
    "athlete_id,full_name,email,language,country,sport,athlete_status,career_end_year,"
    "business_name,business_sector,business_stage,pitch,sourcing_needs,target_markets,"
    "consent_data_processing,consent_marketing\n"
)
GOOD = (
    "A365-1,Ana Silva,ana@example.org,pt,POR,Sailing,former_olympian,2019,Vela,apparel,"
    'revenue,"Sailing wear.\nMade to last.",textiles; zippers,ESP;FRA,yes,no\n'
)


def test_a_good_row_reads_like_the_json_form() -> None:
    (row,) = read_rows(HEADER + GOOD)
    form = row_form(row, this_year=2026)
    assert isinstance(form, ApplicationForm)
    assert form.language == "en"
    assert form.business.sourcing_needs == ["textiles", "zippers"]
    assert form.business.target_markets == ["ESP", "FRA"]
    assert form.business.pitch == "Sailing wear.\nMade to last."
    assert form.consent.data_processing
    assert not form.consent.marketing


def test_line_numbers_count_file_lines_even_across_quoted_newlines_and_chunks() -> None:
    text = HEADER + GOOD + "\n" + GOOD.replace("A365-1", "A365-2")
    assert [r.line for r in read_rows(text)] == [2, 5]
    assert [r.line for r in read_rows(text, first_line=1002)] == [1002, 1005]


def test_bad_cells_are_reported_by_column() -> None:
    bad = (
        "A365-3,Bo,bo@example.org,,XXX,Judo,former_olympian,last year,Bo Co,apparel,idea,"
        "Pitch,,FRA;QQQ,maybe,\n"
    )
    (row,) = read_rows(HEADER + bad)
    problems = row_form(row, this_year=2026)
    assert isinstance(problems, list)
    assert {p.field for p in problems} == {
        "career_end_year",
        "consent_data_processing",
        "country",
        "target_markets[1]",
    }


def test_a_row_with_too_many_cells_is_one_problem() -> None:
    (row,) = read_rows(
        "athlete_id,full_name,email,country,sport,athlete_status,business_name,"
        "business_sector,business_stage,pitch,consent_data_processing\n"
        "a,b,c,d,e,f,g,h,i,j,k,EXTRA\n"
    )
    problems = row_form(row, this_year=2026)
    assert isinstance(problems, list)
    assert [p.field for p in problems] == ["(row)"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a header row is required"),
        (HEADER.replace("pitch,", "pitch,colour,"), "unknown column(s) colour"),
        (HEADER.replace("email,", ""), "missing column(s) email"),
    ],
)
def test_a_bad_header_rejects_the_whole_chunk(text: str, message: str) -> None:
    with pytest.raises(BadCsv, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_rows(text))


def test_codes_typed_in_lower_case_read_as_the_apis_codes() -> None:
    row = next(read_rows(HEADER + GOOD.replace("POR", "por").replace("ESP;FRA", "esp; fra")))
    form = row_form(row, this_year=2026)
    assert isinstance(form, ApplicationForm)
    assert (form.country, form.business.target_markets) == ("POR", ["ESP", "FRA"])


def test_a_cell_beyond_what_csv_can_read_rejects_the_chunk_by_line() -> None:
    with pytest.raises(BadCsv, match="line 4 cannot be read"):  # GOOD spans lines 2 and 3
        list(read_rows(HEADER + GOOD + "A365-2," + "x" * 200_000 + "\n"))


# Ways a header cell may be written, read or not by the csv module and the header check.
_SPELLINGS = ["{}", " {}", "\t{} ", '"{}"', '"{} "', '"\n{}"', "\u00a0{}", '"{}', "{}x", '""{}', ""]


@settings(max_examples=300, deadline=None)
@given(
    columns=st.permutations(list(COLUMNS)),
    spellings=st.lists(st.sampled_from(_SPELLINGS), min_size=16, max_size=16),
    prefix=st.sampled_from(["", "\ufeff", "\n", ","]),
    end=st.sampled_from(["", "\n", "\r\n", "\r", ",", "x"]),
)
def test_a_chunk_whose_header_the_schema_refuses_is_refused(
    columns: list[str], spellings: list[str], prefix: str, end: str
) -> None:
    """The import's schema states the header row as a pattern; what it refuses is a 422."""
    header = ",".join(s.format(c) for c, s in zip(columns, spellings, strict=True) if s)
    text = prefix + header + end + GOOD
    if re.search(HEADER_PATTERN, text) is None:
        with pytest.raises(BadCsv):
            list(read_rows(text))
