"""The people of the scenario: the 156 staff stationed in the hall (进驻工作人员156人), the staff
outside it (regulators, supervisors, trading-centre staff) and one demo account per role.

Hall staff: 5 bureau heads, 3 hall administrators, 48 approvers (30 in the bureau's review
sections, 18 in the departments that still decide themselves) and 100 window clerks (two at
every bureau window and at the busy 不动产/公安/税务 windows, one elsewhere). The demo clerk,
approver, head and administrator are four of the 156.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .licensing import LICENSING
from .places import BUREAU, WINDOWS

DEMO_PASSWORD = "Zaoyang-2026"
HALL_STAFF = 156


@dataclass(frozen=True)
class StaffMember:
    username: str
    full_name: str
    role: str
    department: str
    in_hall: bool
    window: tuple[str, str] | None = None  # (zone code, window number)
    title: str = ""
    password: str | None = None  # None: an unusable password (generated staff)


# One account per role, with a known password (docs/demo.md). Order is the order they are listed.
DEMO_ACCOUNTS: list[StaffMember] = [
    StaffMember("demo-applicant", "李文华", "applicant", BUREAU, False, password=DEMO_PASSWORD),
    StaffMember("demo-clerk", "王晓梅", "window_clerk", BUREAU, True, ("XZSP", "D02"), "综合受理窗口工作人员",
                DEMO_PASSWORD),
    StaffMember("demo-approver", "陈志刚", "approver", BUREAU, True, None, "企业登记审批科科员", DEMO_PASSWORD),
    StaffMember("demo-head", "刘建国", "bureau_head", BUREAU, True, None, "局长", DEMO_PASSWORD),
    StaffMember("demo-regulator", "赵丽娟", "regulator", "SCJGJ", False, None, "审管联动监管股负责人",
                DEMO_PASSWORD),
    StaffMember("demo-supervisor", "周明", "supervisor", "JWJW", False, None, "党风政风监督室干部",
                DEMO_PASSWORD),
    StaffMember("demo-trading", "孙海波", "trading_staff", "GGZYJY", False, None, "交易服务科科员", DEMO_PASSWORD),
    StaffMember("demo-bidder", "吴凯", "bidder", BUREAU, False, password=DEMO_PASSWORD),
    StaffMember("demo-expert", "郑思远", "expert", BUREAU, False, password=DEMO_PASSWORD),
    StaffMember("demo-admin", "黄静", "administrator", BUREAU, True, None, "政务服务管理科科长", DEMO_PASSWORD),
    StaffMember("demo-credit", "何雪梅", "credit_officer", "FGJ", False, None, "社会信用体系建设科科长", DEMO_PASSWORD),
]
# Regulators' law-enforcement inspectors (执法检查人员), the pools random inspections and commitment
# verifications draw from: three in each of these departments besides their head of supervision.
INSPECTOR_DEPARTMENTS = ("SCJGJ", "ZJJ", "ZRZYJ", "SHJJ", "WJJ", "YJJ")

_SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜"
    "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲丹萍鹏辉红志建国文斌宇浩凯晨瑶欣怡婷雪琳晶博思佳"
    "子俊家春梅兰海波林鑫亮成新卫东荣庆燕晓雨悦航帆"
)
_REVIEW_SECTIONS = ("企业登记审批科", "工程建设审批科", "社会事务审批科", "农林水审批科", "交通文旅审批科",
                    "现场勘验科")
# Departments still deciding in the hall, and how many approvers they keep there.
# 人社局 (RSJ) approves social-security registration, a part of the 企业开办 bundle.
_DEPARTMENT_APPROVERS = {"SHJJ": 2, "NYJ": 2, "WJJ": 2, "YJJ": 2, "SCJGJ": 2, "BDCZX": 2, "RSJ": 2, "GAJ": 2,
                         "SWJ": 2}
_TWO_CLERK_DEPARTMENTS = {BUREAU, "BDCZX", "GAJ", "SWJ"}
_WINDOW_TITLES = {"comprehensive": "综合受理窗口工作人员", "output": "综合出件窗口工作人员",
                  "consultation": "咨询导办工作人员", "department": "窗口工作人员"}


def _names(seed: str):
    """An endless stream of plausible Chinese full names (seeded, so the same every run)."""
    rng = random.Random(seed)
    while True:
        given = "".join(rng.choice(_GIVEN) for _i in range(rng.choice((1, 2, 2))))
        yield rng.choice(_SURNAMES) + given


def _slots() -> list[tuple[str, str, tuple[str, str] | None, str]]:
    """(role, department, window, title) of every hall post, before anyone fills it."""
    slots: list[tuple[str, str, tuple[str, str] | None, str]] = []
    slots += [("bureau_head", BUREAU, None, "局长")] + [("bureau_head", BUREAU, None, "副局长")] * 4
    slots += [("administrator", BUREAU, None, "政务服务管理科科长")]
    slots += [("administrator", BUREAU, None, "政务服务管理科科员")] * 2
    for section in _REVIEW_SECTIONS:
        slots += [("approver", BUREAU, None, f"{section}科员")] * 5
    for department, count in _DEPARTMENT_APPROVERS.items():
        slots += [("approver", department, None, "审核人员")] * count
    for window in WINDOWS:
        clerks = 2 if window["department"] in _TWO_CLERK_DEPARTMENTS else 1
        slots += [("window_clerk", window["department"], (window["zone"], window["number"]),
                   _WINDOW_TITLES[window["kind"]])] * clerks
    return slots


def hall_staff() -> list[StaffMember]:
    """The 156 staff stationed in the hall; the demo hall accounts take the first matching post."""
    names = _names("zaoyang:hall-staff")
    demo = {(m.role, m.department, m.window, m.title): m for m in DEMO_ACCOUNTS if m.in_hall}
    numbers: dict[str, int] = {}
    staff = []
    for role, department, window, title in _slots():
        match = demo.pop((role, department, window, title), None)
        if match is not None:
            staff.append(match)
            continue
        numbers[department] = numbers.get(department, 0) + 1
        staff.append(StaffMember(f"{department.lower()}-{numbers[department]:03d}", next(names), role,
                                 department, True, window, title))
    if demo:
        raise ValueError(f"demo accounts without a hall post: {sorted(m.username for m in demo.values())}")
    return staff


def outside_staff() -> list[StaffMember]:
    """Staff not stationed in the hall: one regulator in each former licensing department (审管分离),
    discipline inspectors (纪委监委) and trading-centre staff; plus the demo accounts outside the hall."""
    names = _names("zaoyang:outside-staff")
    departments = list(dict.fromkeys(spec.department for spec in LICENSING))
    staff = [StaffMember(f"{d.lower()}-jg01", next(names), "regulator", d, False, None, "监管股股长")
             for d in departments]
    staff += [StaffMember(f"jwjw-{n:02d}", next(names), "supervisor", "JWJW", False, None, "派驻纪检监察组干部")
              for n in range(1, 4)]
    staff += [StaffMember(f"ggzyjy-{n:02d}", next(names), "trading_staff", "GGZYJY", False, None, "交易服务科科员")
              for n in range(1, 4)]
    staff += [StaffMember(f"{d.lower()}-zf{n:02d}", next(names), "regulator", d, False, None, "执法人员")
              for d in INSPECTOR_DEPARTMENTS for n in range(1, 4)]
    staff += [m for m in DEMO_ACCOUNTS if not m.in_hall]
    return staff


def everyone() -> list[StaffMember]:
    return hall_staff() + outside_staff()
