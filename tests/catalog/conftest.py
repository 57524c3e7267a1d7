import datetime as dt

import pytest


def base_catalog() -> dict:
    """A small, valid catalog in the exchange format."""
    return {
        "regions": [
            {"code": "420683", "name": "枣阳市", "name_en": "Zaoyang", "level": "city", "parent": ""},
            {"code": "420683001", "name": "南城街道", "name_en": "Nancheng", "level": "street", "parent": "420683"},
        ],
        "departments": [
            {"code": "SPJ", "name": "枣阳市行政审批局", "name_en": "Approval Bureau", "short_name": "审批局",
             "kind": "bureau", "region": "420683", "phone": ""},
            {"code": "SCJG", "name": "枣阳市市场监督管理局", "name_en": "Market Regulation", "short_name": "市场监管",
             "kind": "line", "region": "420683", "phone": ""},
        ],
        "halls": [
            {"code": "ZYZWDT", "name": "枣阳市政务服务大厅", "name_en": "Hall", "region": "420683", "address": "",
             "phone": "", "morning_start": dt.time(8, 30), "morning_end": dt.time(12),
             "afternoon_start": dt.time(14, 30), "afternoon_end": dt.time(17, 30)},
        ],
        "zones": [{"code": "QYKB", "hall": "ZYZWDT", "name": "企业开办", "name_en": "Business start-up", "order": 1}],
        "windows": [{"zone": "QYKB", "number": "01", "kind": "comprehensive", "department": "SPJ"}],
        "items": [
            {"code": "420683-XK-001", "name": "食品经营许可", "name_en": "Food business licence",
             "item_type": "licensing", "status": "active", "implementing_body": "SPJ",
             "original_department": "SCJG", "supervising_department": "SCJG", "zone": "QYKB",
             "legal_basis": "《中华人民共和国食品安全法》第三十五条", "conditions": "有与经营相适应的场所",
             "procedure": "site_inspection", "procedure_steps": "受理→审查→现场核查→决定", "statutory_limit": 20,
             "statutory_limit_unit": "working_days", "committed_limit": 5, "committed_limit_unit": "working_days",
             "is_free": True, "place": "企业开办区", "office_hours": "工作日", "consultation_channel": "0710-1",
             "complaint_channel": "12345", "visits_required": 1, "online_depth": 4, "handling_mode": "committed",
             "high_frequency": True},
        ],
        "materials": [
            {"item": "420683-XK-001", "order": 1, "name": "食品经营许可申请书", "form": "original", "copies": 1,
             "required": True, "licence_replaceable": False, "licence_type": "", "note": ""},
            {"item": "420683-XK-001", "order": 2, "name": "营业执照", "form": "copy", "copies": 1,
             "required": True, "licence_replaceable": True, "licence_type": "营业执照", "note": ""},
        ],
        "fees": [],
        "special_procedures": [
            {"item": "420683-XK-001", "kind": "site_inspection", "max_working_days": 3, "stops_clock": False,
             "note": ""},
        ],
        "transfers": [
            {"item": "420683-XK-001", "from_department": "SCJG", "to_department": "SPJ", "batch": "2015年第一批",
             "date": dt.date(2015, 9, 1), "status": "transferred", "note": ""},
        ],
    }


@pytest.fixture
def catalog_data():
    return base_catalog()
