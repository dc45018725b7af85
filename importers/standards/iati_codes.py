"""IATI codelists partnermap uses, and how each maps to the model.

The tables :mod:`importers.standards.iati` reads participating-org roles,
organisation types, transaction types, activity statuses and OECD DAC
purpose codes through. Codes not listed here are reported by the importer.
"""

from __future__ import annotations

from graph.model import Domain, InvestmentKind, InvestmentStatus, Sector
from graph.text import normalize

__all__ = [
    "ACTIVITY_STATUS",
    "DAC_DOMAINS",
    "OPERATOR_ROLES",
    "ORG_TYPE_SECTORS",
    "ROLES",
    "ROLE_WORDS",
    "TRANSACTION_TYPES",
    "dac_domains",
    "sector_from_name",
]

ROLES = {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}
#: IATI 1.0x wrote roles as words.
ROLE_WORDS = {name: code for code, name in ROLES.items()}
OPERATOR_ROLES = ("4", "3", "2", "1")

#: IATI OrganisationType codes -> sector.
ORG_TYPE_SECTORS: dict[str, Sector] = {
    "10": Sector.government,
    "11": Sector.local_authority,
    "15": Sector.government,
    "21": Sector.nonprofit,
    "22": Sector.nonprofit,
    "23": Sector.nonprofit,
    "24": Sector.nonprofit,
    "30": Sector.other,
    "40": Sector.government,  # multilateral: intergovernmental bodies
    "60": Sector.philanthropy,
    "70": Sector.business,
    "71": Sector.business,
    "72": Sector.business,
    "73": Sector.business,
    "80": Sector.academia,
    "90": Sector.other,
}
# Checked in order: "sin ánimo de lucro" (non-profit) before "ánimo de lucro" (for-profit).
_NAME_SECTORS: tuple[tuple[str, Sector], ...] = (
    ("sin animo de lucro", Sector.nonprofit),
    ("sin ánimo de lucro", Sector.nonprofit),
    ("non profit", Sector.nonprofit),
    ("ong", Sector.nonprofit),
    ("ngo", Sector.nonprofit),
    ("foundation", Sector.philanthropy),
    ("fundacion", Sector.philanthropy),
    ("fundación", Sector.philanthropy),
    ("animo de lucro", Sector.business),
    ("ánimo de lucro", Sector.business),
    ("universi*", Sector.academia),
    ("ministr*", Sector.government),
    ("ministry", Sector.government),
    ("ministerio", Sector.government),
    ("ministère", Sector.government),
    ("naciones unidas", Sector.government),
    ("united nations", Sector.government),
    ("entidad publica", Sector.government),
    ("entidad pública", Sector.government),
    ("eell", Sector.local_authority),
    ("ccaa", Sector.government),
)

#: TransactionType (2.0x codes and 1.0x letters) -> (kind, status); ``None`` = not an investment.
TRANSACTION_TYPES: dict[str, tuple[InvestmentKind, InvestmentStatus] | None] = {
    "1": (InvestmentKind.grant, InvestmentStatus.paid),  # incoming funds
    "2": (InvestmentKind.grant, InvestmentStatus.committed),  # (outgoing) commitment
    "3": (InvestmentKind.grant, InvestmentStatus.paid),  # disbursement
    "4": (InvestmentKind.grant, InvestmentStatus.paid),  # expenditure
    "5": None,  # interest payment
    "6": None,  # loan repayment
    "7": (InvestmentKind.grant, InvestmentStatus.paid),  # reimbursement
    "8": None,  # purchase of equity
    "9": None,  # sale of equity
    "10": None,  # credit guarantee
    "11": (InvestmentKind.grant, InvestmentStatus.committed),  # incoming commitment
    "12": (InvestmentKind.grant, InvestmentStatus.planned),  # outgoing pledge
    "13": (InvestmentKind.grant, InvestmentStatus.planned),  # incoming pledge
    "IF": (InvestmentKind.grant, InvestmentStatus.paid),
    "C": (InvestmentKind.grant, InvestmentStatus.committed),
    "D": (InvestmentKind.grant, InvestmentStatus.paid),
    "E": (InvestmentKind.grant, InvestmentStatus.paid),
    "R": (InvestmentKind.grant, InvestmentStatus.paid),
    "IR": None,
    "LR": None,
    "QP": None,
    "QS": None,
    "CG": None,
}

ACTIVITY_STATUS = {
    "1": "pipeline",
    "2": "implementation",
    "3": "finalisation",
    "4": "closed",
    "5": "cancelled",
    "6": "suspended",
}

#: OECD DAC purpose codes (5 digits) and categories (3 digits) -> domains.
DAC_DOMAINS: dict[str, tuple[Domain, ...]] = {
    # Education
    "111": (Domain.formal_education,),
    "11182": (Domain.formal_education, Domain.higher_education),  # educational research
    "112": (Domain.formal_education,),
    "11230": (Domain.informal_education, Domain.employment),  # basic life skills
    "11231": (Domain.informal_education,),  # basic life skills for youth
    "11240": (Domain.early_childhood,),  # early childhood education
    "113": (Domain.formal_education,),
    "11330": (Domain.employment,),  # vocational training
    "114": (Domain.higher_education,),
    # Health, population
    "121": (Domain.health,),
    "122": (Domain.health,),
    "123": (Domain.health,),
    "130": (Domain.health,),
    # Water and sanitation
    "140": (Domain.health,),
    # Government and civil society
    "151": (Domain.community,),
    "15110": (Domain.other,),  # public sector policy
    "152": (Domain.emergency,),  # conflict, peace and security
    # Other social infrastructure
    "160": (Domain.welfare,),
    "16010": (Domain.welfare,),  # social protection
    "16020": (Domain.employment,),  # employment creation
    "16061": (Domain.community, Domain.informal_education),  # culture and recreation
    "16062": (Domain.other,),  # statistical capacity
    "16064": (Domain.health,),  # social mitigation of HIV/AIDS
    # Economic infrastructure, production
    "220": (Domain.other,),  # communications
    "22040": (Domain.stem21,),  # information and communication technology
    "240": (Domain.employment,),  # banking and financial services
    "250": (Domain.employment,),  # business and other services
    "311": (Domain.employment,),  # agriculture
    "312": (Domain.employment,),  # forestry
    "313": (Domain.employment,),  # fishing
    "321": (Domain.employment,),  # industry
    "331": (Domain.employment,),  # trade policy
    "332": (Domain.employment,),  # tourism
    # Multisector
    "410": (Domain.other,),  # general environment protection
    "41081": (Domain.informal_education,),  # environmental education
    "430": (Domain.community,),  # other multisector
    "43081": (Domain.formal_education, Domain.employment),  # multisector education/training
    "43082": (Domain.higher_education, Domain.stem21),  # research institutions
    # Humanitarian
    "720": (Domain.emergency,),
    "730": (Domain.emergency,),
    "740": (Domain.emergency,),
    # Not sector-allocable
    "910": (Domain.other,),  # administrative costs of donors
    "930": (Domain.welfare,),  # refugees in donor countries
    "998": (Domain.other,),  # unallocated / unspecified
}


def dac_domains(code: str) -> tuple[Domain, ...] | None:
    """Domains of a DAC purpose code (its own entry, else its 3-digit category).

    >>> dac_domains("11240")
    (<Domain.early_childhood: 'early_childhood'>,)
    >>> dac_domains("12230")
    (<Domain.health: 'health'>,)
    >>> dac_domains("99999") is None
    True
    """
    code = code.strip()
    return DAC_DOMAINS.get(code) or DAC_DOMAINS.get(code[:3])


def sector_from_name(name: str) -> Sector | None:
    """Sector from words of an organisation's name (:data:`_NAME_SECTORS`).

    >>> sector_from_name("Otra entidad sin ánimo de lucro del país socio")
    <Sector.nonprofit: 'nonprofit'>
    >>> sector_from_name("UPV/EHU - Universidad del País Vasco")
    <Sector.academia: 'academia'>
    """
    key = normalize(name)
    tokens = key.split()
    for word, sector in _NAME_SECTORS:
        if " " in word:
            if word in key:
                return sector
        elif word.endswith("*"):
            if any(t.startswith(word[:-1]) for t in tokens):
                return sector
        elif word in tokens:
            return sector
    return None
