"""Where things happen in the Zaoyang scenario: the city and its townships, the departments, the
service hall with its 7 zones, and the windows of the 20 departments stationed in it (DOMAIN.md §2).

Region codes follow the national statistical division codes (420683 is 枣阳市; townships and
streets add three digits). Department codes are pinyin initials. Addresses and phone numbers
are plausible, not real.
"""

from __future__ import annotations

import datetime as dt

CITY = "420683"
BUREAU = "SPJ"
HALL = "ZYZWDT"

REGIONS: list[dict] = [
    {"code": CITY, "name": "枣阳市", "name_en": "Zaoyang", "level": "city", "parent": ""},
] + [
    {"code": f"{CITY}{suffix}", "name": name, "name_en": name_en, "level": level, "parent": CITY}
    for suffix, name, name_en, level in [
        ("001", "南城街道", "Nancheng Subdistrict", "street"),
        ("002", "北城街道", "Beicheng Subdistrict", "street"),
        ("003", "环城街道", "Huancheng Subdistrict", "street"),
        ("100", "琚湾镇", "Juwan Town", "township"),
        ("101", "七方镇", "Qifang Town", "township"),
        ("102", "杨垱镇", "Yangdang Town", "township"),
        ("103", "太平镇", "Taiping Town", "township"),
        ("104", "新市镇", "Xinshi Town", "township"),
        ("105", "鹿头镇", "Lutou Town", "township"),
        ("106", "刘升镇", "Liusheng Town", "township"),
        ("107", "兴隆镇", "Xinglong Town", "township"),
        ("108", "王城镇", "Wangcheng Town", "township"),
        ("109", "吴店镇", "Wudian Town", "township"),
        ("110", "熊集镇", "Xiongji Town", "township"),
        ("111", "平林镇", "Pinglin Town", "township"),
    ]
]


def _dept(code: str, name: str, name_en: str, short_name: str, kind: str = "line", phone: str = "") -> dict:
    return {"code": code, "name": name, "name_en": name_en, "short_name": short_name, "kind": kind,
            "region": CITY, "phone": phone}


# The 19 former licensing departments (发改、教育、农业等19个类别部门) come first after the bureau.
DEPARTMENTS: list[dict] = [
    _dept(BUREAU, "枣阳市行政审批局", "Zaoyang Administrative Approval Bureau", "审批局", "bureau", "0710-6221001"),
    _dept("FGJ", "枣阳市发展和改革局", "Zaoyang Development and Reform Bureau", "发改局", phone="0710-6222101"),
    _dept("JYJ", "枣阳市教育局", "Zaoyang Education Bureau", "教育局", phone="0710-6222102"),
    _dept("KJJXJ", "枣阳市科学技术和经济信息化局", "Zaoyang Science, Technology and Economic Informatisation Bureau",
          "科技经信局", phone="0710-6222103"),
    _dept("MZZJJ", "枣阳市民族宗教事务局", "Zaoyang Ethnic and Religious Affairs Bureau", "民宗局",
          phone="0710-6222104"),
    _dept("MZJ", "枣阳市民政局", "Zaoyang Civil Affairs Bureau", "民政局", phone="0710-6222105"),
    _dept("RSJ", "枣阳市人力资源和社会保障局", "Zaoyang Human Resources and Social Security Bureau", "人社局",
          phone="0710-6222106"),
    _dept("ZRZYJ", "枣阳市自然资源和规划局", "Zaoyang Natural Resources and Planning Bureau", "自然资源和规划局",
          phone="0710-6222107"),
    _dept("SHJJ", "襄阳市生态环境局枣阳分局", "Zaoyang Branch of the Xiangyang Ecology and Environment Bureau",
          "生态环境分局", phone="0710-6222108"),
    _dept("ZJJ", "枣阳市住房和城乡建设局", "Zaoyang Housing and Urban-Rural Development Bureau", "住建局",
          phone="0710-6222109"),
    _dept("JTJ", "枣阳市交通运输局", "Zaoyang Transport Bureau", "交通运输局", phone="0710-6222110"),
    _dept("SLJ", "枣阳市水利和湖泊局", "Zaoyang Water Resources and Lakes Bureau", "水利和湖泊局",
          phone="0710-6222111"),
    _dept("NYJ", "枣阳市农业农村局", "Zaoyang Agriculture and Rural Affairs Bureau", "农业农村局",
          phone="0710-6222112"),
    _dept("SHWJ", "枣阳市商务局", "Zaoyang Commerce Bureau", "商务局", phone="0710-6222113"),
    _dept("WLJ", "枣阳市文化和旅游局", "Zaoyang Culture and Tourism Bureau", "文旅局", phone="0710-6222114"),
    _dept("WJJ", "枣阳市卫生健康局", "Zaoyang Health Bureau", "卫健局", phone="0710-6222115"),
    _dept("YJJ", "枣阳市应急管理局", "Zaoyang Emergency Management Bureau", "应急管理局", phone="0710-6222116"),
    _dept("SCJGJ", "枣阳市市场监督管理局", "Zaoyang Market Regulation Bureau", "市场监管局", phone="0710-6222117"),
    _dept("CGJ", "枣阳市城市管理执法局", "Zaoyang Urban Management and Law Enforcement Bureau", "城管执法局",
          phone="0710-6222118"),
    _dept("LYJ", "枣阳市林业局", "Zaoyang Forestry Bureau", "林业局", phone="0710-6222119"),
    # Other line departments that never held licensing powers to transfer.
    _dept("GAJ", "枣阳市公安局", "Zaoyang Public Security Bureau", "公安局", phone="0710-6222120"),
    _dept("SFJ", "枣阳市司法局", "Zaoyang Justice Bureau", "司法局", phone="0710-6222121"),
    _dept("CZJ", "枣阳市财政局", "Zaoyang Finance Bureau", "财政局", phone="0710-6222122"),
    _dept("YBJ", "枣阳市医疗保障局", "Zaoyang Healthcare Security Bureau", "医保局", phone="0710-6222123"),
    _dept("TYJRJ", "枣阳市退役军人事务局", "Zaoyang Veterans Affairs Bureau", "退役军人事务局",
          phone="0710-6222124"),
    _dept("TJJ", "枣阳市统计局", "Zaoyang Statistics Bureau", "统计局", phone="0710-6222133"),
    _dept("RFB", "枣阳市人民防空办公室", "Zaoyang Civil Air Defence Office", "人防办", phone="0710-6222134"),
    # Vertically managed, and bodies stationed in the hall that are not bureaus.
    _dept("SWJ", "国家税务总局枣阳市税务局", "Zaoyang Taxation Bureau, State Taxation Administration", "税务局",
          "vertical", "0710-12366"),
    _dept("BDCZX", "枣阳市不动产登记中心", "Zaoyang Real Estate Registration Centre", "不动产登记中心", "other",
          "0710-6222126"),
    _dept("GJJ", "襄阳住房公积金中心枣阳分中心", "Zaoyang Branch of the Xiangyang Housing Provident Fund Centre",
          "公积金中心", "other", "0710-6222127"),
    _dept("GDGS", "国网湖北省电力有限公司枣阳市供电公司", "State Grid Zaoyang Power Supply Company", "供电公司",
          "other", "95598"),
    _dept("GSGS", "枣阳市供水有限公司", "Zaoyang Water Supply Company", "供水公司", "other", "0710-6222129"),
    _dept("YZGS", "中国邮政集团有限公司枣阳市分公司", "China Post Zaoyang Branch (EMS)", "邮政公司", "other",
          "11183"),
    _dept("QXJ", "枣阳市气象局", "Zaoyang Meteorological Bureau", "气象局", "vertical", "0710-6222135"),
    _dept("CJRLH", "枣阳市残疾人联合会", "Zaoyang Disabled Persons' Federation", "残联", "other", "0710-6222136"),
    _dept("DAG", "枣阳市档案馆", "Zaoyang Archives", "档案馆", "other", "0710-6222137"),
    _dept("ZGH", "枣阳市总工会", "Zaoyang Federation of Trade Unions", "总工会", "other", "0710-6222138"),
    _dept("JWJW", "枣阳市纪委监委", "Zaoyang Commission for Discipline Inspection and Supervision", "纪委监委",
          "supervision", "0710-12388"),
    _dept("GGZYJY", "枣阳市公共资源交易中心", "Zaoyang Public Resource Trading Centre", "交易中心", "other",
          "0710-6222132"),
]

DEPARTMENT_NAMES = {d["code"]: d["name"] for d in DEPARTMENTS}

HALL_ROW: dict = {
    "code": HALL,
    "name": "枣阳市政务服务大厅",
    "name_en": "Zaoyang Government Service Hall",
    "region": CITY,
    "address": "湖北省枣阳市南城街道光武大道88号",
    "phone": "0710-6221000",
    "morning_start": dt.time(8, 30),
    "morning_end": dt.time(12, 0),
    "afternoon_start": dt.time(14, 30),
    "afternoon_end": dt.time(17, 30),
}

OFFICE_HOURS = "法定工作日 上午8:30-12:00，下午14:30-17:30（节假日除外）"

# The 7 service zones, with the letter their windows are numbered under.
ZONES: list[dict] = [
    {"code": code, "hall": HALL, "name": name, "name_en": name_en, "order": order}
    for order, (code, name, name_en) in enumerate(
        [
            ("QYKB", "企业开办", "Enterprise start-up"),
            ("GCJS", "工程建设", "Construction projects"),
            ("MSSW", "民生事务", "Livelihood affairs"),
            ("XZSP", "行政审批服务", "Administrative approval services"),
            ("BDCDJ", "不动产登记", "Real estate registration"),
            ("GACRJ", "公安出入境", "Public security and exit-entry"),
            ("JTWF", "交通违法处理", "Traffic violation handling"),
        ],
        start=1,
    )
]
ZONE_LETTER = {"QYKB": "A", "GCJS": "B", "MSSW": "C", "XZSP": "D", "BDCDJ": "E", "GACRJ": "F", "JTWF": "G"}
ZONE_NAMES = {z["code"]: z["name"] for z in ZONES}

# Per zone: (kind, department, how many windows). Numbered A01, A02, … in this order.
# 前台综合受理 (comprehensive) and 综合出件 (output) windows belong to the bureau.
_WINDOW_PLAN: dict[str, list[tuple[str, str, int]]] = {
    "QYKB": [("comprehensive", BUREAU, 4), ("department", "SCJGJ", 1), ("department", "SWJ", 2),
             ("department", "GAJ", 1), ("department", "RSJ", 1)],
    "GCJS": [("comprehensive", BUREAU, 3), ("department", "ZRZYJ", 1), ("department", "ZJJ", 1),
             ("department", "SHJJ", 1), ("department", "YJJ", 1), ("department", "GDGS", 1),
             ("department", "GSGS", 1)],
    "MSSW": [("comprehensive", BUREAU, 2), ("department", "RSJ", 3), ("department", "YBJ", 2),
             ("department", "GJJ", 2), ("department", "MZJ", 1), ("department", "SFJ", 1),
             ("department", "TYJRJ", 1), ("department", "WJJ", 1)],
    "XZSP": [("consultation", BUREAU, 1), ("comprehensive", BUREAU, 6), ("output", BUREAU, 1),
             ("department", "NYJ", 1), ("department", "YZGS", 1)],
    "BDCDJ": [("department", "BDCZX", 8), ("department", "SWJ", 2), ("department", "ZJJ", 1)],
    "GACRJ": [("department", "GAJ", 6)],
    "JTWF": [("department", "GAJ", 3)],
}


def _windows() -> list[dict]:
    rows = []
    for zone, plan in _WINDOW_PLAN.items():
        n = 0
        for kind, department, count in plan:
            for _i in range(count):
                n += 1
                rows.append({"zone": zone, "number": f"{ZONE_LETTER[zone]}{n:02d}", "kind": kind,
                             "department": department})
    return rows


WINDOWS: list[dict] = _windows()

# Where a department's items are handled: the zone of its first window, or "" when it has none.
DEPARTMENT_ZONE: dict[str, str] = {}
for _w in WINDOWS:
    DEPARTMENT_ZONE.setdefault(_w["department"], _w["zone"])
DEPARTMENT_ZONE[BUREAU] = "XZSP"


def place_of(zone: str, department: str) -> str:
    """The disclosed place of handling (办理地点)."""
    if zone:
        return f"{HALL_ROW['name']}{ZONE_NAMES[zone]}区（{HALL_ROW['address']}）"
    return f"{DEPARTMENT_NAMES[department]}办公地点（枣阳市，详见部门公告）"
