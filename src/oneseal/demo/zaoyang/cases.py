"""The demo's cases (办件): about forty applications spread over the last weeks, in every state a
case can be in, each written as the steps it went through.

A step's time is `(working days before today, "HH:MM")`, or `due(n, "HH:MM")` for an acceptance
placed so that the case falls due `n` working days from today (0: today, negative: overdue), or
`NOW` for the moment of loading. The loader (`oneseal.demo.casework`) plays every step through the
cases services with the user the step belongs to, so every case has its notices, timeline, audit
entries, clock and inbox entries exactly as if the hall had worked it.

Applicants are plausible, not real; ID numbers and credit codes are made up with valid check
characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .places import CITY

NOW = "now"


@dataclass(frozen=True)
class Due:
    """An acceptance time placed so that the case falls due `n` working days from today."""

    n: int
    time: str = "09:30"


def due(n: int, time: str = "09:30") -> Due:
    return Due(n, time)


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    birth: str  # YYYYMMDD
    serial: str  # three digits (odd for men, even for women)
    phone: str
    username: str = ""  # the online account linked to the applicant record


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    code: str  # the 7 characters after 91420683MA: the credit code's own part
    representative: str
    phone: str


APPLICANTS: list[Person | Organisation] = [
    Person("li-wenhua", "李文华", "19920314", "026", "13972240518", username="demo-applicant"),
    Person("zhang-guoqiang", "张国强", "19890506", "031", "13871061234"),
    Person("wang-xiuying", "王秀英", "19900921", "046", "15972105566"),
    Person("liu-dahai", "刘大海", "19891103", "015", "13593920781"),
    Person("chen-jing", "陈静", "19960112", "082", "18671012390"),
    Person("zhao-lei", "赵磊", "19900727", "053", "13995721408"),
    Organisation("hanjiang-transport", "枣阳市汉江运输有限公司", "4F2K8Q1", "周建华", "0710-6221345"),
    Organisation("guangwu-gas", "枣阳市光武燃气有限公司", "49XB3R7", "孙立新", "0710-6315562"),
    Organisation("baishui-tourism", "枣阳白水寺旅行社有限公司", "4HC1N6T", "马晓燕", "0710-6258801"),
    Organisation("zaoyang-construction", "湖北枣建建设工程有限公司", "4E7D2WL", "杨志强", "0710-6217790"),
    Organisation("xinglong-petro", "枣阳市兴隆石化销售有限公司", "4B5J9M3", "黄德明", "0710-6470113"),
    Organisation("tianyuan-property", "枣阳天源置业有限公司", "4G8P1XA", "许文斌", "0710-6336620"),
    Organisation("kaiyuan-labour", "枣阳市开元劳务派遣有限公司", "4K3T7HB", "邓春梅", "0710-6212048"),
    Organisation("longzhong-culture", "枣阳市隆中文化传媒有限公司", "4C6W2NF", "吴海波", "0710-6265517"),
    Organisation("huaxia-taxi", "枣阳市华夏出租汽车有限公司", "4A9R5QD", "郭建军", "0710-6240036"),
    Organisation("jinniu-mining", "枣阳市金牛建材有限公司", "4D1L8UC", "曹玉华", "0710-6402269"),
    Organisation("chunlei-machinery", "湖北春雷机械制造有限公司", "4J4N6PE", "程明亮", "0710-6381157"),
    Organisation("luying-internet", "枣阳市绿荫网络科技有限公司", "4F7Q3KG", "罗丹", "0710-6230984"),
    Organisation("zhonghe-logistics", "枣阳中和物流有限公司", "4H2M9TJ", "彭飞", "0710-6352271"),
    Organisation("qifang-water", "枣阳市七方水务有限公司", "4L5C1WM", "冯桂英", "0710-6460215"),
    Organisation("changfeng-entertainment", "枣阳市长丰娱乐有限公司", "4N8E4YR", "唐志远", "0710-6270832"),
    Organisation("ruifeng-realestate", "枣阳瑞丰房地产开发有限公司", "4P3G7XT", "韩振华", "0710-6328845"),
    Organisation("xinshi-auto", "枣阳市新市汽车维修有限公司", "4Q6K2BU", "蒋卫东", "0710-6480671"),
    Organisation("jiecheng-sanitation", "枣阳市洁城环境服务有限公司", "4T2W8HK", "田秀兰", "0710-6219906"),
    Organisation("yuantong-chamber", "枣阳市餐饮行业协会（筹）", "4R1H5CW", "潘丽", "0710-6203319"),
]


@dataclass(frozen=True)
class DemoCase:
    """One application and the steps it went through; `state` is where it ends up (tests check it)."""

    slug: str
    item: str  # the item's code
    applicant: str  # an APPLICANTS key
    channel: str  # "window" (demo-clerk at the hall) or "online" (the applicant's own account)
    steps: tuple[tuple, ...]
    state: str
    note: str = ""  # what the case shows in the demo (docs/demo.md)
    form: dict = field(default_factory=dict)


def _code(n: str) -> str:
    return f"{CITY}-{n}"


# Reasons and legal bases, as they are written on the notices.
LAW_32 = "《中华人民共和国行政许可法》第三十二条"
LAW_38 = "《中华人民共和国行政许可法》第三十八条"
LAW_42 = "《中华人民共和国行政许可法》第四十二条"

OK = {"passed": True}

DEMO_CASES: list[DemoCase] = [
    # -- submitted: waiting at the window for a decision on acceptance -----------------------------
    DemoCase("submitted-transport", _code("XK-JTJ-001"), "zhonghe-logistics", "window",
             (("submit", (1, "09:20")),), "submitted", "道路运输经营许可, received yesterday"),
    DemoCase("submitted-gas", _code("XK-ZJJ-005"), "guangwu-gas", "window",
             (("submit", (1, "15:10")),), "submitted", "燃气经营许可证核发 (site inspection procedure)"),
    DemoCase("submitted-online-tractor", _code("XK-NYJ-001"), "li-wenhua", "online",
             (("submit", (2, "21:36")),), "submitted", "online, by demo-applicant, at night"),
    DemoCase("submitted-performance", _code("XK-WLJ-003"), "longzhong-culture", "window",
             (("submit", (2, "10:45")),), "submitted", "营业性演出审批"),
    DemoCase("submitted-stale", _code("XK-CGJ-001"), "zaoyang-construction", "window",
             (("submit", (7, "16:50")),), "submitted",
             "left without a decision for 7 working days: the scheduler deems it accepted (Art. 32)"),

    # -- awaiting a supplement (一次性告知) ---------------------------------------------------------
    DemoCase("supplement-taxi", _code("XK-JTJ-003"), "huaxia-taxi", "window",
             (("submit", (3, "09:05")),
              ("supplement", (3, "09:40"), [("主要设施设备清单", "未列明车辆号牌及车辆技术等级，请逐车补充"),
                                            ("申请书", "缺少法定代表人签字并加盖公章")])),
             "awaiting_supplement", "one notice listing two problems"),
    DemoCase("supplement-online-fire", _code("XK-LYJ-004"), "li-wenhua", "online",
             (("submit", (3, "20:12")),
              ("supplement", (2, "08:50"), [("申请书", "未写明用火地点的具体位置（村组、地块）及用火时间")])),
             "awaiting_supplement", "online: demo-applicant can hand the supplement in under My cases"),
    DemoCase("supplement-labour", _code("XK-RSJ-003"), "chunlei-machinery", "window",
             (("submit", (4, "14:40")),
              ("supplement", (4, "15:05"), [("质量安全管理制度", "缺少职工代表大会讨论意见"),
                                            ("场所平面布置图", "图纸未标注比例及尺寸"),
                                            ("主要设施设备清单", "未注明实行特殊工时的岗位")])),
             "awaiting_supplement", "three problems on one notice"),

    # -- accepted, under review (demo-approver's inbox) ---------------------------------------------
    DemoCase("review-travel", _code("XK-WLJ-005"), "baishui-tourism", "window",
             (("submit", (1, "10:10")), ("accept", (1, "10:25"))),
             "accepted", "accepted yesterday, review waiting"),
    DemoCase("review-due-tomorrow", _code("XK-ZRZYJ-005"), "jinniu-mining", "window",
             (("submit", due(1, "09:00")), ("accept", due(1, "09:30"))),
             "accepted", "临时用地审批: due tomorrow"),
    DemoCase("review-due-today", _code("XK-JTJ-007"), "zhonghe-logistics", "window",
             (("submit", due(0, "14:35")), ("accept", due(0, "14:50"))),
             "accepted", "超限运输车辆行驶公路许可: due today"),
    DemoCase("review-overdue", _code("XK-KJJXJ-003"), "chunlei-machinery", "window",
             (("submit", due(-2, "09:15")), ("accept", due(-2, "09:45"))),
             "accepted", "工业企业技术改造项目核准: overdue by 2 working days"),
    DemoCase("review-decide", _code("XK-WLJ-006"), "qifang-water", "window",
             (("submit", (2, "10:00")), ("accept", (2, "10:20")), ("review", (1, "15:00"), OK)),
             "accepted", "reviewed; the decision is waiting"),
    DemoCase("accepted-after-supplement", _code("XK-CGJ-004"), "jiecheng-sanitation", "window",
             (("submit", (5, "09:00")),
              ("supplement", (5, "09:30"), [("场所平面布置图", "未标明作业车辆停放及清洗区域")]),
              ("receive", (3, "14:50"), ["场所平面布置图"]), ("accept", (3, "15:10"))),
             "accepted", "supplemented, then accepted: review waiting"),
    DemoCase("review-deemed", _code("XK-ZJJ-003"), "ruifeng-realestate", "window",
             (("submit", (9, "11:30")), ("deem", (2, "08:30"))),
             "accepted", "deemed accepted from receipt by the scheduler: already overdue"),
    DemoCase("review-paused-supplement", _code("XK-MZJ-003"), "yuantong-chamber", "window",
             (("submit", (6, "09:00")), ("accept", (6, "09:20")),
              ("supplement", (3, "10:00"), [("经营场所使用证明", "租赁合同已过期，请提供有效期内的租赁合同")])),
             "accepted", "supplement asked for during review: the clock is paused"),
    DemoCase("review-extended", _code("XK-MZJ-001"), "yuantong-chamber", "window",
             (("submit", (12, "09:30")), ("accept", (12, "09:50")), ("review", (8, "10:00"), OK),
              ("extend", (3, "16:00"), "申请成立的社会团体业务范围涉及多个主管部门，需征求意见", 10)),
             "accepted", "extended by demo-head by 10 working days (Art. 42)"),
    DemoCase("review-site-inspection", _code("XK-LYJ-001"), "liu-dahai", "window",
             (("submit", (2, "08:45")), ("accept", (2, "09:00")), ("review", (1, "10:30"), OK)),
             "accepted", "林木采伐许可证核发: site inspection under way (the clock runs: it counts)"),

    # -- special procedures (Art. 45: the clock stops) ----------------------------------------------
    DemoCase("expert-review-running", _code("XK-FGJ-003"), "chunlei-machinery", "window",
             (("submit", (8, "09:10")), ("accept", (8, "09:30")), ("review", (6, "11:00"), OK)),
             "accepted", "固定资产投资项目节能审查 in expert review, clock paused"),
    DemoCase("public-notice-online", _code("XK-JYJ-004"), "li-wenhua", "online",
             (("submit", (10, "19:48")), ("accept", (9, "08:40")), ("review", (7, "15:20"), OK)),
             "accepted", "教师资格认定 of demo-applicant, in public notice, clock paused"),
    DemoCase("expert-review-head", _code("XK-SLJ-004"), "jinniu-mining", "window",
             (("submit", (9, "10:00")), ("accept", (9, "10:15")), ("review", (8, "09:00"), OK),
              ("special", (1, "17:00"), OK)),
             "accepted", "expert review done; the decision is demo-head's"),

    # -- decided ---------------------------------------------------------------------------------
    DemoCase("approved-waiting-issue", _code("XK-RSJ-002"), "kaiyuan-labour", "window",
             (("submit", (2, "09:00")), ("accept", (2, "09:10")), ("review", (2, "10:00"), OK),
              ("decide", (1, "11:20"), True, "")),
             "approved", "approved yesterday; demo-approver issues the licence"),
    DemoCase("approved-site", _code("XK-ZJJ-010"), "tianyuan-property", "window",
             (("submit", (4, "14:30")), ("accept", (4, "14:45")), ("review", (3, "09:00"), OK),
              ("special", (2, "16:30"), OK), ("decide", (1, "10:00"), True, "")),
             "approved", "工程建设涉及城市绿地、树木审批 after the site inspection"),
    DemoCase("denied", _code("XK-SLJ-005"), "qifang-water", "window",
             (("submit", (5, "10:30")), ("accept", (5, "10:40")), ("review", (4, "09:30"), OK),
              ("decide", (4, "16:00"), False,
               "建设项目位于七方镇蓄滞洪区内，防洪影响评价报告未论证对行洪的影响及补救措施，不符合《中华人民共和国防洪法》第三十三条的规定")),
             "denied", "denied with reasons; the denial waits to be issued"),

    # -- issued, waiting at the comprehensive output window -----------------------------------------
    DemoCase("issued-pickup", _code("XK-ZJJ-002"), "tianyuan-property", "window",
             (("submit", (6, "09:00")), ("accept", (6, "09:20")), ("review", (5, "10:00"), OK),
              ("special", (3, "15:00"), OK), ("decide", (2, "10:00"), True, ""), ("issue", (1, "09:30"))),
             "issued", "商品房预售许可 ready for pickup"),
    DemoCase("issued-religious", _code("XK-MZZJJ-004"), "zhang-guoqiang", "window",
             (("submit", (5, "15:00")), ("accept", (5, "15:10")), ("review", (3, "09:00"), OK),
              ("decide", (2, "14:40"), True, ""), ("issue", (1, "16:00"))),
             "issued", "宗教临时活动地点审批 ready"),
    DemoCase("issued-denial", _code("XK-WLJ-002"), "luying-internet", "window",
             (("submit", (5, "10:00")), ("accept", (5, "10:10")), ("review", (5, "15:00"), OK),
              ("special", (4, "16:00"), OK),
              ("decide", (3, "11:00"), False, "经现场核查，营业场所距离枣阳市第二中学直线距离不足200米，"
                                               "不符合《互联网上网服务营业场所管理条例》第九条的规定"),
              ("issue", (2, "09:00"))),
             "issued", "a denial to be served at the output window"),

    # -- delivered (by courier, with a waybill) -----------------------------------------------------
    DemoCase("delivered-courier", _code("XK-SHWJ-001"), "xinglong-petro", "window",
             (("submit", (10, "09:00")), ("accept", (10, "09:15")), ("review", (9, "10:00"), OK),
              ("special", (7, "16:00"), OK), ("decide", (6, "10:00"), True, ""), ("issue", (5, "09:00")),
              ("deliver", (5, "10:30"), "courier", "中国邮政EMS", "1172638450913")),
             "delivered", "sent by EMS (证照免费寄递), receipt not yet confirmed"),
    DemoCase("delivered-online", _code("XK-LYJ-001"), "li-wenhua", "online",
             (("submit", (9, "20:05")), ("accept", (8, "08:35")), ("review", (7, "09:00"), OK),
              ("special", (6, "16:20"), OK), ("decide", (5, "10:00"), True, ""), ("issue", (5, "15:00")),
              ("deliver", (4, "09:10"), "courier", "中国邮政EMS", "1172638451207")),
             "delivered", "demo-applicant's licence on its way: confirm receipt under My cases"),

    # -- closed (办结) ----------------------------------------------------------------------------
    DemoCase("closed-on-the-spot", _code("XK-SCJGJ-001"), "hanjiang-transport", "window",
             (("submit", (8, "09:05")), ("accept", (8, "09:10")), ("decide", (8, "10:20"), True, ""),
              ("issue", (8, "10:40")), ("deliver", (8, "11:00"), "pickup"), ("confirm", (8, "11:01"))),
             "closed", "企业设立登记 within its 4 working hours (即办件)",
             ),
    DemoCase("closed-online-shop", _code("XK-SCJGJ-004"), "li-wenhua", "online",
             (("submit", (15, "19:30")), ("accept", (14, "08:45")), ("decide", (14, "09:20"), True, ""),
              ("issue", (14, "09:40")), ("deliver", (14, "09:45"), "electronic"), ("confirm", (13, "20:10"))),
             "closed", "demo-applicant's shop, licensed online, electronic licence (零跑腿)"),
    DemoCase("closed-expert", _code("XK-ZJJ-004"), "zaoyang-construction", "window",
             (("submit", (20, "10:00")), ("accept", (20, "10:30")), ("review", (19, "09:00"), OK),
              ("special", (14, "17:00"), OK), ("decide", (12, "10:00"), True, ""), ("issue", (11, "15:00")),
              ("deliver", (10, "09:30"), "pickup"), ("confirm", (10, "09:31"))),
             "closed", "through expert review (5 working days not counted)"),
    DemoCase("closed-courier", _code("XK-JTJ-006"), "zhonghe-logistics", "window",
             (("submit", (16, "14:30")), ("accept", (16, "14:40")), ("review", (15, "09:00"), OK),
              ("special", (14, "15:30"), OK), ("decide", (14, "16:30"), True, ""), ("issue", (13, "09:00")),
              ("deliver", (13, "09:30"), "courier", "中国邮政EMS", "1172638449876"), ("confirm", (11, "10:00"))),
             "closed", "delivered by EMS and confirmed"),
    DemoCase("closed-denied", _code("XK-ZRZYJ-007"), "ruifeng-realestate", "window",
             (("submit", (18, "09:00")), ("accept", (18, "09:10")), ("review", (16, "10:00"), OK),
              ("decide", (13, "10:00"), False, "拟分割转让的宗地未按出让合同约定完成开发投资总额的25%，"
                                                "不符合《城市房地产管理法》第三十九条规定的转让条件"),
              ("issue", (12, "09:00")), ("deliver", (11, "15:00"), "pickup"), ("confirm", (11, "15:02"))),
             "closed", "a denial served and closed"),

    # -- refused (不予受理) and withdrawn -------------------------------------------------------------
    DemoCase("refused", _code("XK-ZJJ-003"), "xinshi-auto", "window",
             (("submit", (4, "10:00")),
              ("refuse", (4, "10:20"), "申请人经营范围为汽车维修，不属于房地产开发企业，申请事项不属于本机关受理范围，"
                                       "请向市交通运输局咨询机动车维修经营备案", LAW_32 + "第一款第（二）项")),
             "refused", "not accepted, with reason and legal basis"),
    DemoCase("refused-person", _code("XK-WLJ-004"), "chen-jing", "window",
             (("submit", (6, "16:00")),
              ("refuse", (5, "09:30"), "申请人为自然人，文艺表演团体设立须以法人名义申请；依法不需要取得行政许可的个人演出活动无需申请",
               LAW_32 + "第一款第（一）项")),
             "refused", "not accepted"),
    DemoCase("withdrawn-online", _code("XK-WLJ-003"), "li-wenhua", "online",
             (("submit", (7, "21:00")), ("accept", (6, "09:00")), ("withdraw", (5, "12:30"), "演出计划取消，申请撤回")),
             "withdrawn", "demo-applicant withdrew during review"),
    DemoCase("withdrawn-window", _code("XK-RSJ-002"), "zhao-lei", "window",
             (("submit", (5, "09:00")), ("withdraw", (5, "09:25"), "申请人发现申请主体填写错误，当场撤回重新申报")),
             "withdrawn", "withdrawn at the window before acceptance"),

    # -- fees (real estate registration at 不动产登记中心) ------------------------------------------------
    DemoCase("fee-paid", _code("QR-BDCZX-008"), "wang-xiuying", "window",
             (("submit", (1, "09:40")), ("accept", NOW), ("pay", NOW), ("review", NOW, OK),
              ("decide", NOW, True, ""), ("issue", NOW)),
             "issued", "存量房转移登记: paid through the simulator, certificate waiting at the output window"),
    DemoCase("fee-unpaid-online", _code("GG-BDCZX-001"), "li-wenhua", "online",
             (("submit", (1, "20:30")), ("accept", NOW)),
             "accepted", "不动产权证书补证: fee notice issued, not paid — demo-applicant sees the payment code"),
]
