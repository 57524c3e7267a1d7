"""The standard joint-punishment measures and record kinds (国家发展改革委 联合惩戒 memoranda, simplified).

Seeded by migration 0002 and again after every `migrate` or test-database flush (post_migrate, like the
roles), so they are there in every database; administrators change them in the admin (their changes are
kept; a standard kind or measure they delete comes back at the next migrate — take its measures away instead).
"""

from __future__ import annotations

MEASURES = [
    # code, name, English, scope, effect, legal basis
    ("closer_review", "列为重点审查对象", "Flag every application for closer review", "application", "flag",
     "《关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"),
    ("restrict_licensing", "限制取得行政许可", "Refuse new licences", "application", "block",
     "《关于加快推进失信被执行人信用监督、警示和惩戒机制建设的意见》（中办发〔2016〕64号）"),
    ("no_commitment", "不适用告知承诺制", "Exclude from commitment approval", "commitment", "block",
     "《关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"),
    ("no_bidding", "限制参与招标投标", "Exclude from public bidding", "bidding", "block",
     "《关于对失信被执行人实施联合惩戒的合作备忘录》（发改财金〔2016〕141号）"),
    ("bidding_review", "招标投标中重点审查", "Flag bids for closer review", "bidding", "flag",
     "《关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"),
]

KINDS = [
    # code, name, English, source, severity, effect days, public, repairable, repair after, measures
    ("penalty_minor", "一般行政处罚", "Administrative penalty (minor)", "penalty", "minor", 365, True, True, 90,
     ["closer_review", "bidding_review"]),
    ("penalty_serious", "严重违法失信行政处罚", "Administrative penalty (serious)", "penalty", "serious", 1095, True,
     True, 365, ["closer_review", "no_commitment", "no_bidding"]),
    ("inspection_problem", "双随机抽查发现问题", "Problems found by a random inspection", "inspection", "minor", 365,
     True, True, 90, ["closer_review"]),
    ("false_commitment", "虚假承诺", "False commitment", "false_commitment", "serious", 1095, True, True, 365,
     ["closer_review", "no_commitment", "no_bidding"]),
    ("court_enforcement", "失信被执行人", "On the court's list of dishonest judgment debtors", "court", "serious",
     None, True, False, 0, ["closer_review", "restrict_licensing", "no_commitment", "no_bidding"]),
    ("tax_violation", "重大税收违法失信主体", "Major tax violation", "tax", "serious", 1095, True, True, 365,
     ["closer_review", "no_commitment", "no_bidding"]),
    ("regulator_penalty", "监管部门反馈的行政处罚", "Penalty filed back by a regulator", "regulator", "minor", 365,
     True, True, 90, ["closer_review"]),
]


def seed(Measure, RecordKind) -> None:  # model classes, historical (migration) or current
    """Create the standard measures and kinds that are missing; an administrator's changes are kept."""
    measures = {}
    for code, name, name_en, scope, effect, basis in MEASURES:
        measures[code], _ = Measure.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "scope": scope, "effect": effect, "legal_basis": basis})
    for code, name, name_en, source, severity, days, public, repairable, after, codes in KINDS:
        kind, created = RecordKind.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "source": source, "severity": severity, "effect_days": days,
            "public": public, "repairable": repairable, "repair_after_days": after})
        if created:
            kind.measures.set([measures[c] for c in codes])
