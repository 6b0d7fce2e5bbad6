"""Countries are IOC codes; markets may also be ISO codes, kept as IOC codes."""

import pytest

from services.intake.domain.noc import ISO_TO_NOC, NOC_CODES, UnknownCountry, market_code, noc_code

pytestmark = pytest.mark.unit


def test_there_are_206_national_olympic_committees() -> None:
    assert len(NOC_CODES) == 206
    assert {"FRA", "GER", "SUI", "KOS", "PLE", "TPE", "RSA", "USA"} <= NOC_CODES


def test_an_iso_code_that_is_another_committees_ioc_code_reads_as_ioc() -> None:
    # BRN is Bahrain for the IOC and Brunei for ISO.
    assert "BRN" not in ISO_TO_NOC
    assert market_code("BRN") == "BRN"
    assert market_code("BHR") == "BRN"


@pytest.mark.parametrize(("given", "stored"), [("DEU", "GER"), ("CHE", "SUI"), ("ZAF", "RSA")])
def test_a_market_given_by_iso_code_is_stored_as_ioc_code(given: str, stored: str) -> None:
    assert market_code(given) == stored


def test_a_country_must_be_an_ioc_code_as_the_schema_lists_it() -> None:
    assert noc_code("FRA") == "FRA"
    with pytest.raises(UnknownCountry, match="did you mean 'FRA'"):
        noc_code(" fra ")
    with pytest.raises(UnknownCountry, match="did you mean 'DEU'"):
        market_code("deu")
    with pytest.raises(UnknownCountry, match="the IOC code is 'NED'"):
        noc_code("NLD")
    with pytest.raises(UnknownCountry):
        market_code("MAC")  # Macao has no National Olympic Committee
