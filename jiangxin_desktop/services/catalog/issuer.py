"""Who issues a class's certificates, and so what the certificate is called.

A training institution's class ends in a 培训合格证书 (or 结业证书). A 职业技能等级证书 is
issued only by a filed evaluation body (社会培训评价组织, with its 备案编号) that the catalog
names for the class's occupation; the page then names that body. A class planned for a
职业技能等级证书 whose occupation no body in the catalog covers gets the institution's
培训合格证书 instead, and the clerk is told so.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiangxin_desktop.services.catalog.training import TrainingCatalog

SKILL_LEVEL_CERTIFICATE = "1"  # 职业技能等级证书: evaluation bodies only
TRAINING_CERTIFICATE = "3"  # 培训合格证书: the training institution's own


@dataclass(frozen=True)
class Issuer:
    certificate_type: str  # the code the certificates are issued with
    name: str | None  # the evaluation body; None: the class's training institution
    filing_number: str | None
    note: str = ""  # said to the clerk when the class's type could not be kept


def issuer_for(
    certificate_type: str, occupation_code: str, occupation_name: str, catalog: TrainingCatalog | None
) -> Issuer:
    if certificate_type != SKILL_LEVEL_CERTIFICATE:
        return Issuer(certificate_type, None, None)
    body = catalog.evaluation_body(occupation_code) if catalog is not None else None
    if body is None:
        return Issuer(
            TRAINING_CERTIFICATE,
            None,
            None,
            f"培训目录中没有可颁发“{occupation_name}”职业技能等级证书的社会培训评价组织，"
            "本班由承训机构发放培训合格证书。如已有评价组织认定，请导入列出该组织的正式目录后再发证。",
        )
    return Issuer(certificate_type, body.name, body.filing_number)


def planned_issuer_problem(certificate_type: str, occupation, catalog: TrainingCatalog) -> str | None:
    """Why a class may not plan ``certificate_type`` for ``occupation`` (an Occupation), or None."""
    if certificate_type != SKILL_LEVEL_CERTIFICATE or catalog.evaluation_body(occupation.code) is not None:
        return None
    return (
        f"培训目录中没有可颁发“{occupation.name}”职业技能等级证书的社会培训评价组织，"
        "培训机构的班请选培训合格证书"
    )
