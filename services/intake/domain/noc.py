"""The 206 National Olympic Committees recognised by the IOC, by their IOC code.

`country` must be one of these codes, as written here (upper case: the API's schema lists
them, and what it lists is what it takes). A target market may also be given by its ISO
3166-1 alpha-3 code (the contract's example uses "DEU"); it is stored as the NOC code (GER),
so a market compares equal to an athlete's country. Where an ISO code is itself another
committee's IOC code (BRN: Bahrain for the IOC, Brunei for ISO), the IOC reading wins.
"""

from typing import Final

# IOC code -> ISO 3166-1 alpha-3 code of the same territory, by continental association.
_AFRICA: Final = (
    "ALG:DZA ANG:AGO BEN:BEN BOT:BWA BUR:BFA BDI:BDI CMR:CMR CPV:CPV CAF:CAF CHA:TCD"
    " COM:COM CGO:COG COD:COD CIV:CIV DJI:DJI EGY:EGY GEQ:GNQ ERI:ERI SWZ:SWZ ETH:ETH"
    " GAB:GAB GAM:GMB GHA:GHA GUI:GIN GBS:GNB KEN:KEN LES:LSO LBR:LBR LBA:LBY MAD:MDG"
    " MAW:MWI MLI:MLI MTN:MRT MRI:MUS MAR:MAR MOZ:MOZ NAM:NAM NIG:NER NGR:NGA RWA:RWA"
    " STP:STP SEN:SEN SEY:SYC SLE:SLE SOM:SOM RSA:ZAF SSD:SSD SUD:SDN TAN:TZA TOG:TGO"
    " TUN:TUN UGA:UGA ZAM:ZMB ZIM:ZWE"
)
_AMERICAS: Final = (
    "ANT:ATG ARG:ARG ARU:ABW BAH:BHS BAR:BRB BIZ:BLZ BER:BMU BOL:BOL BRA:BRA IVB:VGB"
    " CAN:CAN CAY:CYM CHI:CHL COL:COL CRC:CRI CUB:CUB DMA:DMA DOM:DOM ECU:ECU ESA:SLV"
    " GRN:GRD GUA:GTM GUY:GUY HAI:HTI HON:HND JAM:JAM MEX:MEX NCA:NIC PAN:PAN PAR:PRY"
    " PER:PER PUR:PRI SKN:KNA LCA:LCA VIN:VCT SUR:SUR TTO:TTO USA:USA URU:URY VEN:VEN"
    " ISV:VIR"
)
_ASIA: Final = (
    "AFG:AFG BRN:BHR BAN:BGD BHU:BTN BRU:BRN CAM:KHM CHN:CHN TPE:TWN HKG:HKG IND:IND"
    " INA:IDN IRI:IRN IRQ:IRQ JPN:JPN JOR:JOR KAZ:KAZ PRK:PRK KOR:KOR KUW:KWT KGZ:KGZ"
    " LAO:LAO LBN:LBN MAS:MYS MDV:MDV MGL:MNG MYA:MMR NEP:NPL OMA:OMN PAK:PAK PLE:PSE"
    " PHI:PHL QAT:QAT KSA:SAU SGP:SGP SRI:LKA SYR:SYR TJK:TJK THA:THA TLS:TLS TKM:TKM"
    " UAE:ARE UZB:UZB VIE:VNM YEM:YEM"
)
_EUROPE: Final = (
    "ALB:ALB AND:AND ARM:ARM AUT:AUT AZE:AZE BLR:BLR BEL:BEL BIH:BIH BUL:BGR CRO:HRV"
    " CYP:CYP CZE:CZE DEN:DNK EST:EST FIN:FIN FRA:FRA GEO:GEO GER:DEU GBR:GBR GRE:GRC"
    " HUN:HUN ISL:ISL IRL:IRL ISR:ISR ITA:ITA KOS:XKX LAT:LVA LIE:LIE LTU:LTU LUX:LUX"
    " MLT:MLT MDA:MDA MON:MCO MNE:MNE NED:NLD MKD:MKD NOR:NOR POL:POL POR:PRT ROU:ROU"
    " RUS:RUS SMR:SMR SRB:SRB SVK:SVK SLO:SVN ESP:ESP SWE:SWE SUI:CHE TUR:TUR UKR:UKR"
)
_OCEANIA: Final = (
    "ASA:ASM AUS:AUS COK:COK FIJ:FJI FSM:FSM GUM:GUM KIR:KIR MHL:MHL NRU:NRU NZL:NZL"
    " PLW:PLW PNG:PNG SAM:WSM SOL:SLB TGA:TON TUV:TUV VAN:VUT"
)

NOC_TO_ISO: Final[dict[str, str]] = dict(
    pair.split(":") for pair in f"{_AFRICA} {_AMERICAS} {_ASIA} {_EUROPE} {_OCEANIA}".split()
)
NOC_CODES: Final = frozenset(NOC_TO_ISO)
# Only ISO codes that are not also an IOC code are aliases.
ISO_TO_NOC: Final[dict[str, str]] = {
    iso: noc for noc, iso in NOC_TO_ISO.items() if iso != noc and iso not in NOC_CODES
}
# What a target market may be written as.
MARKET_CODES: Final = NOC_CODES | frozenset(ISO_TO_NOC)


class UnknownCountry(ValueError):
    """Not a National Olympic Committee code; the message says what to use instead."""


def _case_hint(value: str, codes: frozenset[str]) -> str:
    upper = value.strip().upper()
    return f"; did you mean {upper!r}? Codes are upper case" if upper in codes else ""


def noc_code(value: str) -> str:
    """The IOC code itself, or UnknownCountry with a hint for an ISO code or lower case."""
    if value in NOC_CODES:
        return value
    if value in ISO_TO_NOC:
        raise UnknownCountry(
            f"{value!r} is an ISO country code; the IOC code is {ISO_TO_NOC[value]!r}"
        )
    raise UnknownCountry(
        f"{value!r} is not the IOC code of a National Olympic Committee"
        + _case_hint(value, NOC_CODES)
    )


def market_code(value: str) -> str:
    """An IOC code, or an ISO alpha-3 code translated to the IOC code of the same country."""
    if value in NOC_CODES:
        return value
    if value in ISO_TO_NOC:
        return ISO_TO_NOC[value]
    raise UnknownCountry(
        f"{value!r} is neither an IOC code nor the ISO alpha-3 code of an IOC member"
        + _case_hint(value, MARKET_CODES)
    )
