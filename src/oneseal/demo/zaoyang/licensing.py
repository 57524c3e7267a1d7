"""The 142 licensing items (行政许可事项) of 19 departments to be transferred to the bureau.

82 are transferred and handled by the bureau; 60 items of 5 departments (生态环境, 农业农村,
卫健, 应急管理, 市场监管) are still pending, mostly because the bureau lacks the testing capacity
the seed report names (食品、环境、安全等方面的检验检测). Pending items stay with their department.
"""

from __future__ import annotations

from dataclasses import dataclass

from .spec import ItemSpec, spec_factory

L = spec_factory("licensing")
D, H, M = "working_days", "working_hours", "working_minutes"

LICENSING: list[ItemSpec] = [
    # 发改 (5, transferred)
    L("FGJ", "企业投资项目核准", "Approval of enterprise investment projects",
      law="《企业投资项目核准和备案管理条例》第三条", sp=("expert_review",), zone="GCJS"),
    L("FGJ", "政府投资项目可行性研究报告审批", "Approval of feasibility studies of government-invested projects",
      law="《政府投资条例》第九条", sp=("expert_review",), zone="GCJS"),
    L("FGJ", "固定资产投资项目节能审查", "Energy-conservation review of fixed-asset investment projects",
      law="《中华人民共和国节约能源法》第十五条", sp=("expert_review",), zone="GCJS"),
    L("FGJ", "依法必须招标项目的招标范围、招标方式和招标组织形式核准",
      "Approval of the tendering scope, method and organisation of projects that must be tendered",
      law="《中华人民共和国招标投标法实施条例》第七条", zone="GCJS"),
    L("FGJ", "石油天然气管道保护范围内特定施工作业许可",
      "Permit for specified works within oil and gas pipeline protection zones",
      law="《中华人民共和国石油天然气管道保护法》第三十五条", sp=("site_inspection",), zone="GCJS"),
    # 教育 (5, transferred)
    L("JYJ", "民办学校设立", "Establishment of a private school",
      law="《中华人民共和国民办教育促进法》第十二条", sp=("site_inspection", "expert_review"),
      limit=(90, D), committed=(20, D)),
    L("JYJ", "民办学校变更、终止审批", "Approval of the change or termination of a private school",
      law="《中华人民共和国民办教育促进法》第五十三条"),
    L("JYJ", "民办幼儿园设立审批", "Approval of the establishment of a private kindergarten",
      law="《幼儿园管理条例》第十一条", sp=("site_inspection",)),
    L("JYJ", "教师资格认定", "Teacher qualification certification",
      law="《中华人民共和国教师法》第十三条；《教师资格条例》第十三条", sp=("public_notice",), person=True,
      limit=(30, D), committed=(20, D)),
    L("JYJ", "校车使用许可", "School bus use permit", law="《校车安全管理条例》第十四条",
      sp=("inspection",), limit=(20, D), committed=(10, D)),
    # 科技经信 (3, transferred)
    L("KJJXJ", "食盐定点批发企业审批", "Approval of designated table-salt wholesalers",
      law="《食盐专营办法》第十二条"),
    L("KJJXJ", "在电力设施周围或者电力设施保护区内进行可能危及电力设施安全作业的审批",
      "Approval of work that may endanger power facilities within their protection zones",
      law="《中华人民共和国电力法》第五十二条", sp=("site_inspection",)),
    L("KJJXJ", "工业企业技术改造项目核准", "Approval of technical upgrading projects of industrial enterprises",
      law="《企业投资项目核准和备案管理条例》第三条", zone="GCJS"),
    # 民宗 (4, transferred)
    L("MZZJJ", "宗教活动场所筹备设立审批", "Approval of preparations to establish a religious venue",
      law="《宗教事务条例》第二十一条", sp=("site_inspection",), limit=(30, D)),
    L("MZZJJ", "宗教活动场所登记", "Registration of a religious venue", law="《宗教事务条例》第二十三条"),
    L("MZZJJ", "宗教活动场所内改建或者新建建筑物审批",
      "Approval of new or altered buildings inside a religious venue", law="《宗教事务条例》第三十三条"),
    L("MZZJJ", "宗教临时活动地点审批", "Approval of a temporary religious activity site",
      law="《宗教事务条例》第三十五条"),
    # 民政 (5, transferred)
    L("MZJ", "社会团体成立登记", "Registration of the founding of a social organisation",
      law="《社会团体登记管理条例》第三条", limit=(60, D), committed=(10, D)),
    L("MZJ", "社会团体变更登记", "Registration of a change of a social organisation",
      law="《社会团体登记管理条例》第十八条"),
    L("MZJ", "民办非企业单位成立登记", "Registration of the founding of a private non-enterprise unit",
      law="《民办非企业单位登记管理暂行条例》第三条", limit=(60, D), committed=(10, D)),
    L("MZJ", "民办非企业单位变更登记", "Registration of a change of a private non-enterprise unit",
      law="《民办非企业单位登记管理暂行条例》第十五条"),
    L("MZJ", "农村公益性墓地审批", "Approval of a rural public-welfare cemetery",
      law="《殡葬管理条例》第八条", sp=("site_inspection",)),
    # 人社 (4, transferred)
    L("RSJ", "人力资源服务许可", "Human resources service licence",
      law="《人力资源市场暂行条例》第十八条"),
    L("RSJ", "劳务派遣经营许可", "Labour dispatch business licence",
      law="《中华人民共和国劳动合同法》第五十七条"),
    L("RSJ", "企业实行不定时工作制和综合计算工时工作制审批",
      "Approval of flexible and comprehensive working-hour systems",
      law="《国务院关于职工工作时间的规定》第五条"),
    L("RSJ", "民办职业培训学校设立审批", "Approval of the establishment of a private vocational training school",
      law="《中华人民共和国民办教育促进法》第十二条", sp=("site_inspection",)),
    # 自然资源和规划 (7, transferred)
    L("ZRZYJ", "建设项目用地预审与选址意见书核发",
      "Land-use pre-review and site-selection opinion for construction projects",
      law="《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条", zone="GCJS"),
    L("ZRZYJ", "建设用地规划许可证核发", "Construction land planning permit",
      law="《中华人民共和国城乡规划法》第三十七条", zone="GCJS"),
    L("ZRZYJ", "建设工程规划许可证核发", "Construction project planning permit",
      law="《中华人民共和国城乡规划法》第四十条", zone="GCJS", sp=("public_notice",),
      materials=("建设工程设计方案", "建设工程设计方案专家评审意见", "地下管线及周边建筑现状查询证明")),
    L("ZRZYJ", "乡村建设规划许可证核发", "Rural construction planning permit",
      law="《中华人民共和国城乡规划法》第四十一条", zone="GCJS", sp=("site_inspection",)),
    L("ZRZYJ", "临时用地审批", "Approval of temporary land use", law="《中华人民共和国土地管理法》第五十七条",
      zone="GCJS"),
    L("ZRZYJ", "采矿许可证核发（砂石、粘土）", "Mining licence (sand, gravel and clay)",
      law="《中华人民共和国矿产资源法》第十六条", sp=("expert_review", "site_inspection")),
    L("ZRZYJ", "国有建设用地使用权分割转让批准", "Approval of splitting and transferring state-owned land-use rights",
      law="《中华人民共和国城镇国有土地使用权出让和转让暂行条例》第二十五条", zone="GCJS"),
    # 生态环境 (9, pending)
    L("SHJJ", "排污许可", "Pollutant discharge permit", law="《排污许可管理条例》第二条", pending=True,
      sp=("site_inspection",), limit=(20, D), committed=(15, D)),
    L("SHJJ", "排污许可（变更）", "Pollutant discharge permit (change)", law="《排污许可管理条例》第十五条",
      pending=True, limit=(20, D), committed=(10, D)),
    L("SHJJ", "排污许可（延续）", "Pollutant discharge permit (renewal)", law="《排污许可管理条例》第十四条",
      pending=True, limit=(20, D), committed=(10, D)),
    L("SHJJ", "建设项目环境影响报告书审批", "Approval of environmental impact reports of construction projects",
      law="《中华人民共和国环境影响评价法》第二十二条", pending=True,
      sp=("expert_review", "public_notice"), limit=(60, D), committed=(30, D)),
    L("SHJJ", "建设项目环境影响报告表审批", "Approval of environmental impact forms of construction projects",
      law="《中华人民共和国环境影响评价法》第二十二条", pending=True, sp=("expert_review",),
      limit=(30, D), committed=(15, D)),
    L("SHJJ", "辐射安全许可证核发（使用Ⅳ、Ⅴ类放射源）",
      "Radiation safety licence (use of class IV and V radioactive sources)",
      law="《放射性同位素与射线装置安全和防护条例》第五条", pending=True, sp=("testing", "site_inspection")),
    L("SHJJ", "防治污染设施拆除或闲置审批", "Approval of dismantling or idling pollution control facilities",
      law="《中华人民共和国大气污染防治法》第二十条", pending=True, sp=("site_inspection",)),
    L("SHJJ", "入河排污口设置审核", "Approval of setting up a sewage outfall into a river",
      law="《中华人民共和国水法》第三十四条", pending=True, sp=("expert_review",)),
    L("SHJJ", "夜间施工作业审批", "Approval of night-time construction work",
      law="《中华人民共和国噪声污染防治法》第四十三条", pending=True, limit=(5, D), committed=(2, D)),
    # 住建 (10, transferred)
    L("ZJJ", "建筑工程施工许可证核发", "Construction permit for building works",
      law="《中华人民共和国建筑法》第七条", zone="GCJS", limit=(7, D), committed=(3, D),
      materials=("施工图设计文件审查合格书", "建设资金落实证明", "施工合同")),
    L("ZJJ", "商品房预售许可", "Pre-sale permit for commercial housing",
      law="《城市房地产开发经营管理条例》第二十二条", zone="GCJS", sp=("site_inspection",),
      limit=(10, D), committed=(5, D)),
    L("ZJJ", "房地产开发企业暂定资质核定", "Provisional qualification of real estate developers",
      law="《城市房地产开发经营管理条例》第九条", zone="GCJS"),
    L("ZJJ", "建筑业企业资质认定（施工劳务）", "Qualification of construction enterprises (labour services)",
      law="《中华人民共和国建筑法》第十三条", zone="GCJS", sp=("expert_review",)),
    L("ZJJ", "燃气经营许可证核发", "Gas business licence", law="《城镇燃气管理条例》第十五条", zone="GCJS",
      sp=("site_inspection",)),
    L("ZJJ", "城镇污水排入排水管网许可", "Permit to discharge sewage into urban drainage networks",
      law="《城镇排水与污水处理条例》第二十一条", zone="GCJS", sp=("testing",)),
    L("ZJJ", "拆除、改动城镇公共供水设施审批", "Approval of dismantling or altering public water-supply facilities",
      law="《城市供水条例》第三十条", zone="GCJS"),
    L("ZJJ", "建设工程消防设计审查", "Fire-protection design review of construction projects",
      law="《中华人民共和国消防法》第十一条", zone="GCJS", sp=("expert_review",), limit=(15, D)),
    L("ZJJ", "特殊建设工程消防验收", "Fire-protection acceptance of special construction projects",
      law="《中华人民共和国消防法》第十三条", zone="GCJS", sp=("site_inspection", "testing"), limit=(15, D)),
    L("ZJJ", "工程建设涉及城市绿地、树木审批", "Approval of construction affecting urban green space and trees",
      law="《城市绿化条例》第十九条", zone="GCJS", sp=("site_inspection",)),
    # 交通运输 (7, transferred)
    L("JTJ", "道路运输经营许可", "Road transport business licence", law="《中华人民共和国道路运输条例》第十条",
      limit=(20, D), committed=(5, D)),
    L("JTJ", "机动车驾驶员培训经营许可", "Motor-vehicle driver training business licence",
      law="《中华人民共和国道路运输条例》第三十八条", sp=("site_inspection",)),
    L("JTJ", "出租汽车经营许可", "Taxi business licence", law="《巡游出租汽车经营服务管理规定》第八条"),
    L("JTJ", "网络预约出租汽车经营许可", "Online ride-hailing business licence",
      law="《网络预约出租汽车经营服务管理暂行办法》第五条"),
    L("JTJ", "公路建设项目施工许可", "Construction permit for highway projects",
      law="《公路建设市场管理办法》第二十条", zone="GCJS"),
    L("JTJ", "涉路施工许可", "Permit for works affecting highways", law="《中华人民共和国公路法》第四十四条",
      zone="GCJS", sp=("site_inspection",)),
    L("JTJ", "超限运输车辆行驶公路许可", "Permit for over-limit vehicles on highways",
      law="《公路安全保护条例》第三十五条", limit=(5, D), committed=(2, D)),
    # 水利 (6, transferred)
    L("SLJ", "取水许可", "Water abstraction permit", law="《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第二条",
      sp=("expert_review",), limit=(45, D), committed=(20, D)),
    L("SLJ", "水利基建项目初步设计文件审批", "Approval of preliminary designs of water-conservancy projects",
      law="《政府投资条例》第十一条", zone="GCJS", sp=("expert_review",)),
    L("SLJ", "河道管理范围内建设项目工程建设方案审批", "Approval of construction plans within river management areas",
      law="《中华人民共和国河道管理条例》第十一条", zone="GCJS", sp=("expert_review",)),
    L("SLJ", "生产建设项目水土保持方案审批", "Approval of soil and water conservation plans",
      law="《中华人民共和国水土保持法》第二十五条", zone="GCJS", sp=("expert_review",)),
    L("SLJ", "洪水影响评价类审批", "Flood-impact assessment approval", law="《中华人民共和国防洪法》第二十七条",
      zone="GCJS"),
    L("SLJ", "河道采砂许可", "River sand-dredging permit", law="《中华人民共和国河道管理条例》第二十五条",
      sp=("site_inspection", "public_notice")),
    # 农业农村 (16: 4 transferred, 12 pending)
    L("NYJ", "拖拉机和联合收割机登记", "Registration of tractors and combine harvesters",
      law="《农业机械安全监督管理条例》第二十一条", sp=("inspection",), limit=(2, D), committed=(1, D)),
    L("NYJ", "拖拉机和联合收割机驾驶证核发", "Driving licence for tractors and combine harvesters",
      law="《农业机械安全监督管理条例》第二十二条", person=True),
    L("NYJ", "渔业捕捞许可", "Fishing permit", law="《中华人民共和国渔业法》第二十三条"),
    L("NYJ", "水域滩涂养殖证核发", "Aquaculture certificate for waters and tidal flats",
      law="《中华人民共和国渔业法》第十一条", sp=("site_inspection",)),
    L("NYJ", "种子生产经营许可", "Seed production and business licence", law="《中华人民共和国种子法》第三十一条",
      pending=True, sp=("site_inspection", "testing")),
    L("NYJ", "农药经营许可", "Pesticide business licence", law="《农药管理条例》第二十四条", pending=True,
      sp=("site_inspection",)),
    L("NYJ", "兽药经营许可证核发", "Veterinary drug business licence", law="《兽药管理条例》第二十二条",
      pending=True, sp=("site_inspection",), limit=(30, D)),
    L("NYJ", "动物防疫条件合格证核发", "Animal epidemic prevention certificate",
      law="《中华人民共和国动物防疫法》第二十五条", pending=True, sp=("site_inspection",)),
    L("NYJ", "动物诊疗许可证核发", "Animal clinic licence", law="《中华人民共和国动物防疫法》第六十一条",
      pending=True, sp=("site_inspection",)),
    L("NYJ", "生鲜乳收购站许可", "Raw-milk purchasing station permit", law="《乳品质量安全监督管理条例》第二十条",
      pending=True, sp=("testing",)),
    L("NYJ", "生鲜乳准运证明核发", "Raw-milk transport certificate", law="《乳品质量安全监督管理条例》第二十五条",
      pending=True),
    L("NYJ", "种畜禽生产经营许可", "Breeding livestock and poultry business licence",
      law="《中华人民共和国畜牧法》第二十四条", pending=True, sp=("site_inspection",)),
    L("NYJ", "农业植物检疫证书核发", "Plant quarantine certificate", law="《植物检疫条例》第七条", pending=True,
      sp=("quarantine",), limit=(20, D), committed=(5, D)),
    L("NYJ", "农业植物产地检疫合格证签发", "Certificate of plant origin quarantine", law="《植物检疫条例》第十一条",
      pending=True, sp=("quarantine",)),
    L("NYJ", "水产苗种生产经营审批", "Approval of aquatic fry production", law="《中华人民共和国渔业法》第十六条",
      pending=True, sp=("testing",)),
    L("NYJ", "生猪定点屠宰厂（场）设置审查", "Review of designated pig slaughterhouses",
      law="《生猪屠宰管理条例》第八条", pending=True, sp=("site_inspection", "expert_review")),
    # 商务 (3, transferred)
    L("SHWJ", "成品油零售经营资格审批", "Approval of retail refined-oil business qualification",
      law="《国务院对确需保留的行政审批项目设定行政许可的决定》", sp=("site_inspection",)),
    L("SHWJ", "报废机动车回收拆解企业资质认定初审", "Initial review of end-of-life vehicle dismantlers",
      law="《报废机动车回收管理办法》第七条", sp=("site_inspection",)),
    L("SHWJ", "典当行设立初审", "Initial review of the establishment of a pawnshop",
      law="《典当管理办法》第十一条"),
    # 文旅 (6, transferred)
    L("WLJ", "娱乐场所经营许可", "Entertainment venue licence", law="《娱乐场所管理条例》第九条",
      sp=("site_inspection",)),
    L("WLJ", "互联网上网服务营业场所经营单位设立审批", "Internet café licence",
      law="《互联网上网服务营业场所管理条例》第十条", sp=("site_inspection",)),
    L("WLJ", "营业性演出审批", "Approval of commercial performances", law="《营业性演出管理条例》第十三条",
      limit=(3, D), committed=(2, D)),
    L("WLJ", "文艺表演团体设立审批", "Approval of the establishment of a performing troupe",
      law="《营业性演出管理条例》第六条"),
    L("WLJ", "旅行社设立许可", "Travel agency licence", law="《旅行社条例》第六条"),
    L("WLJ", "卫星电视广播地面接收设施安装许可", "Permit to install satellite TV receiving equipment",
      law="《卫星电视广播地面接收设施管理规定》第七条"),
    # 卫健 (14, pending)
    L("WJJ", "医师执业注册", "Physician practice registration", law="《中华人民共和国医师法》第十三条",
      pending=True, person=True, hf=True),
    L("WJJ", "医师变更执业注册", "Change of a physician's practice registration",
      law="《中华人民共和国医师法》第十五条", pending=True, person=True, hf=True),
    L("WJJ", "护士执业注册", "Nurse practice registration", law="《护士条例》第七条", pending=True, person=True,
      hf=True),
    L("WJJ", "护士延续执业注册", "Renewal of a nurse's practice registration", law="《护士条例》第十条",
      pending=True, person=True, hf=True),
    L("WJJ", "医疗机构设置审批", "Approval of setting up a medical institution",
      law="《医疗机构管理条例》第九条", pending=True, sp=("expert_review",), limit=(30, D)),
    L("WJJ", "医疗机构执业登记", "Practice registration of a medical institution",
      law="《医疗机构管理条例》第十五条", pending=True, sp=("site_inspection",), limit=(45, D)),
    L("WJJ", "母婴保健技术服务机构执业许可", "Licence of maternal and infant health technical services",
      law="《中华人民共和国母婴保健法》第三十二条", pending=True, sp=("site_inspection",)),
    L("WJJ", "母婴保健服务人员资格认定", "Qualification of maternal and infant health service personnel",
      law="《中华人民共和国母婴保健法》第三十三条", pending=True, person=True),
    L("WJJ", "公共场所卫生许可", "Public-place hygiene licence", law="《公共场所卫生管理条例》第八条",
      pending=True, sp=("testing",), hf=True, materials=("卫生检测（评价）报告", "从业人员健康合格证明")),
    L("WJJ", "饮用水供水单位卫生许可", "Hygiene licence of a drinking-water supplier",
      law="《中华人民共和国传染病防治法》第二十九条", pending=True, sp=("testing", "site_inspection")),
    L("WJJ", "放射诊疗许可", "Radiological diagnosis and treatment licence", law="《放射诊疗管理规定》第十一条",
      pending=True, sp=("testing", "expert_review")),
    L("WJJ", "乡村医生执业注册", "Village doctor practice registration", law="《乡村医生从业管理条例》第九条",
      pending=True, person=True),
    L("WJJ", "医疗机构麻醉药品、第一类精神药品购用印鉴卡核发",
      "Seal card for medical institutions buying narcotics and class-I psychotropics",
      law="《麻醉药品和精神药品管理条例》第三十六条", pending=True, limit=(40, D)),
    L("WJJ", "医疗机构校验", "Periodic validation of a medical institution", law="《医疗机构管理条例》第二十一条",
      pending=True, sp=("site_inspection",)),
    # 应急管理 (7, pending)
    L("YJJ", "危险化学品经营许可", "Hazardous chemicals business licence", law="《危险化学品安全管理条例》第三十三条",
      pending=True, sp=("site_inspection",), limit=(30, D)),
    L("YJJ", "烟花爆竹经营（零售）许可", "Fireworks retail licence", law="《烟花爆竹安全管理条例》第十九条",
      pending=True, sp=("site_inspection",), hf=True),
    L("YJJ", "非煤矿山建设项目安全设施设计审查", "Safety facility design review of non-coal mine projects",
      law="《中华人民共和国安全生产法》第三十二条", pending=True, sp=("expert_review",)),
    L("YJJ", "危险化学品建设项目安全条件审查", "Safety conditions review of hazardous chemicals projects",
      law="《危险化学品安全管理条例》第十二条", pending=True, sp=("expert_review",), limit=(45, D)),
    L("YJJ", "危险化学品建设项目安全设施设计审查", "Safety facility design review of hazardous chemicals projects",
      law="《危险化学品建设项目安全监督管理办法》第十五条", pending=True, sp=("expert_review",)),
    L("YJJ", "金属冶炼建设项目安全设施设计审查", "Safety facility design review of metal smelting projects",
      law="《中华人民共和国安全生产法》第三十二条", pending=True, sp=("expert_review",)),
    L("YJJ", "非煤矿矿山企业安全生产许可（初审）", "Initial review of safety production licences of non-coal mines",
      law="《安全生产许可证条例》第二条", pending=True, sp=("site_inspection",), limit=(45, D)),
    # 市场监管 (22: 4 transferred into the enterprise zone, 18 pending)
    L("SCJGJ", "企业设立登记", "Company establishment registration", law="《中华人民共和国市场主体登记管理条例》第十九条",
      zone="QYKB", hf=True, quick=True, limit=(3, D), committed=(4, H),
      materials=("公司章程", "住所（经营场所）使用证明")),
    L("SCJGJ", "企业变更登记", "Company change registration", law="《中华人民共和国市场主体登记管理条例》第二十四条",
      zone="QYKB", hf=True, quick=True, limit=(3, D), committed=(4, H)),
    L("SCJGJ", "企业注销登记", "Company deregistration", law="《中华人民共和国市场主体登记管理条例》第三十一条",
      zone="QYKB", hf=True, quick=True, limit=(3, D), committed=(1, D), sp=("public_notice",)),
    L("SCJGJ", "个体工商户设立登记", "Registration of an individual business",
      law="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第十九条",
      zone="QYKB", hf=True, quick=True, person=True, limit=(3, D), committed=(2, H)),
    L("SCJGJ", "食品经营许可", "Food business licence", law="《中华人民共和国食品安全法》第三十五条",
      pending=True, hf=True, sp=("site_inspection",), limit=(10, D), committed=(5, D),
      materials=("食品安全管理制度", "经营设备、工具清单及布局流程图")),
    L("SCJGJ", "食品经营许可（变更）", "Food business licence (change)", law="《食品经营许可和备案管理办法》第三十二条",
      pending=True, hf=True, limit=(10, D), committed=(3, D)),
    L("SCJGJ", "食品经营许可（延续）", "Food business licence (renewal)", law="《食品经营许可和备案管理办法》第三十六条",
      pending=True, limit=(10, D), committed=(3, D)),
    L("SCJGJ", "食品生产许可（低风险食品）", "Food production licence (low-risk foods)",
      law="《中华人民共和国食品安全法》第三十五条", pending=True, sp=("site_inspection", "testing")),
    L("SCJGJ", "食品生产许可（变更）", "Food production licence (change)", law="《食品生产许可管理办法》第三十二条",
      pending=True),
    L("SCJGJ", "食品小作坊许可", "Food workshop licence", law="《湖北省食品安全条例》第二十四条", pending=True,
      sp=("site_inspection",)),
    L("SCJGJ", "食品小作坊许可（变更）", "Food workshop licence (change)", law="《湖北省食品安全条例》第二十四条",
      pending=True),
    L("SCJGJ", "小餐饮经营许可", "Small catering business licence", law="《湖北省食品安全条例》第三十条",
      pending=True, hf=True, sp=("site_inspection",)),
    L("SCJGJ", "药品零售企业许可", "Drug retail licence", law="《中华人民共和国药品管理法》第五十一条",
      pending=True, sp=("site_inspection",), limit=(30, D), committed=(15, D)),
    L("SCJGJ", "药品零售企业许可（变更）", "Drug retail licence (change)", law="《药品经营和使用质量监督管理办法》第二十条",
      pending=True),
    L("SCJGJ", "药品零售企业许可（换证）", "Drug retail licence (renewal)", law="《药品经营和使用质量监督管理办法》第二十条",
      pending=True, sp=("site_inspection",)),
    L("SCJGJ", "第二类精神药品零售业务审批", "Approval of retail sales of class-II psychotropic drugs",
      law="《麻醉药品和精神药品管理条例》第三十一条", pending=True),
    L("SCJGJ", "第三类医疗器械经营许可", "Class-III medical device business licence",
      law="《医疗器械监督管理条例》第四十二条", pending=True, sp=("site_inspection",), limit=(20, D)),
    L("SCJGJ", "特种设备使用登记", "Special equipment use registration", law="《中华人民共和国特种设备安全法》第三十三条",
      pending=True, sp=("inspection",), hf=True),
    L("SCJGJ", "特种设备使用登记（变更）", "Special equipment use registration (change)",
      law="《特种设备使用管理规则》", pending=True),
    L("SCJGJ", "特种设备作业人员资格认定", "Qualification of special equipment operators",
      law="《中华人民共和国特种设备安全法》第十四条", pending=True, person=True, sp=("testing",)),
    L("SCJGJ", "计量标准器具核准", "Approval of measurement standards", law="《中华人民共和国计量法》第六条",
      pending=True, sp=("testing",)),
    L("SCJGJ", "广告发布登记", "Advertising publication registration", law="《中华人民共和国广告法》第二十九条",
      pending=True),
    # 城管执法 (5, transferred)
    L("CGJ", "城市建筑垃圾处置核准", "Approval of urban construction waste disposal",
      law="《国务院对确需保留的行政审批项目设定行政许可的决定》第101项；《城市建筑垃圾管理规定》第七条",
      limit=(20, D), committed=(3, D)),
    L("CGJ", "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
      "Approval of large outdoor advertisements and posters on urban buildings",
      law="《城市市容和环境卫生管理条例》第十一条", sp=("site_inspection",)),
    L("CGJ", "城市道路占用、挖掘审批", "Approval of occupying or excavating urban roads",
      law="《城市道路管理条例》第三十条", sp=("site_inspection",), limit=(10, D), committed=(3, D)),
    L("CGJ", "从事城市生活垃圾经营性清扫、收集、运输、处理服务审批",
      "Approval of commercial municipal waste cleaning, collection, transport and treatment",
      law="《城市生活垃圾管理办法》第十七条"),
    L("CGJ", "关闭、闲置、拆除城市环境卫生设施许可", "Permit to close, idle or dismantle sanitation facilities",
      law="《城市市容和环境卫生管理条例》第二十二条", sp=("site_inspection",)),
    # 林业 (4, transferred)
    L("LYJ", "林木采伐许可证核发", "Logging permit", law="《中华人民共和国森林法》第五十六条",
      sp=("site_inspection",), limit=(20, D), committed=(5, D)),
    L("LYJ", "建设项目使用林地审核审批", "Approval of forest land use by construction projects",
      law="《中华人民共和国森林法》第三十七条", zone="GCJS", sp=("site_inspection",)),
    L("LYJ", "林草种子生产经营许可证核发", "Forest and grass seed production and business licence",
      law="《中华人民共和国种子法》第三十一条"),
    L("LYJ", "森林防火期内在森林防火区野外用火审批", "Approval of outdoor fire use in fire-prevention zones",
      law="《森林防火条例》第二十五条", limit=(5, D), committed=(1, D)),
]


# -- commitment approval (告知承诺制 / 先建后验, 国办发〔2020〕42号) -------------------------------------
# The items above that allow it, keyed by (department, name), with the text the applicant signs, the
# working days the verification inspection is due within, and the proofs the commitment replaces. An
# application without a commitment takes the item's ordinary procedure; one with a commitment runs the
# "commitment" procedure (the case's waiver chooses it), so no item's own procedure is "commitment".

@dataclass(frozen=True)
class CommitmentTerms:
    mode: str  # "notify" (告知承诺) or "build_first" (先建后验)
    text: str
    verify_days: int
    replaceable: tuple[str, ...]


_LIABILITY = ("如承诺不实，本单位（本人）愿意承担被依法撤销行政许可、记入信用记录并实施联合惩戒等法律责任，"
              "因此造成的损失由本单位（本人）自行承担。")

COMMITMENT_TERMS: dict[tuple[str, str], CommitmentTerms] = {
    ("ZRZYJ", "建设工程规划许可证核发"): CommitmentTerms(
        "build_first",
        "建设工程规划许可告知承诺书\n"
        "本单位已知晓建设工程规划许可的全部条件和要求，现郑重承诺：\n"
        "一、建设项目已依法取得国有建设用地使用权，用地位置、范围与建设用地规划许可一致；\n"
        "二、建设工程设计方案由具备相应资质的设计单位编制，容积率、建筑密度、绿地率、建筑高度、退让距离等指标"
        "符合规划条件，并已通过专家评审；\n"
        "三、已查明项目范围内地下管线及周边建筑现状，施工不影响其安全；\n"
        "四、自签署之日起可先行开工建设，开工前完成放线，并在规定期限内接受规划核查；\n"
        "五、以上承诺真实有效。" + _LIABILITY,
        30, ("建设工程设计方案专家评审意见", "地下管线及周边建筑现状查询证明")),
    ("ZJJ", "建筑工程施工许可证核发"): CommitmentTerms(
        "build_first",
        "建筑工程施工许可告知承诺书\n"
        "本单位已知晓建筑工程施工许可的全部条件（《中华人民共和国建筑法》第八条），现郑重承诺：\n"
        "一、已依法办理建设工程用地批准手续和建设工程规划许可证；\n"
        "二、施工场地已具备施工条件，已确定建筑施工企业并签订施工合同；\n"
        "三、施工图设计文件已由施工图审查机构审查合格；\n"
        "四、建设资金已经落实，有保证工程质量和安全的具体措施；\n"
        "五、自签署之日起可先行开工建设，并在规定期限内接受住建部门核查；\n"
        "六、以上承诺真实有效。" + _LIABILITY,
        30, ("施工图设计文件审查合格书", "建设资金落实证明")),
    ("WJJ", "公共场所卫生许可"): CommitmentTerms(
        "notify",
        "公共场所卫生许可告知承诺书\n"
        "本单位已知晓公共场所卫生许可的条件和要求，现郑重承诺：\n"
        "一、经营场所的空气、微小气候、水质、采光、照明、噪声、顾客用具和卫生设施符合国家卫生标准和要求；\n"
        "二、从业人员均已取得有效健康合格证明；\n"
        "三、已建立卫生管理制度，配备专（兼）职卫生管理人员；\n"
        "四、在规定期限内接受卫生健康部门现场核查；\n"
        "五、以上承诺真实有效。" + _LIABILITY,
        20, ("卫生检测（评价）报告", "从业人员健康合格证明")),
    ("SCJGJ", "食品经营许可"): CommitmentTerms(
        "notify",
        "食品经营许可告知承诺书（仅销售预包装食品）\n"
        "本单位已知晓食品经营许可的条件和要求，现郑重承诺：\n"
        "一、具有与经营的食品品种、数量相适应的经营场所，并与有毒、有害场所以及其他污染源保持规定的距离；\n"
        "二、具有与经营的食品品种、数量相适应的经营设备和设施；\n"
        "三、已建立并落实保证食品安全的规章制度，配备食品安全管理人员；\n"
        "四、在规定期限内接受市场监管部门现场核查；\n"
        "五、以上承诺真实有效。" + _LIABILITY,
        20, ("食品安全管理制度", "经营设备、工具清单及布局流程图")),
}

# Clearly dangerous items: excluded from commitment approval (and weighed more in random inspections).
HIGH_RISK: frozenset[tuple[str, str]] = frozenset({
    ("YJJ", "危险化学品经营许可"),
    ("YJJ", "烟花爆竹经营（零售）许可"),
    ("SHJJ", "辐射安全许可证核发（使用Ⅳ、Ⅴ类放射源）"),
})
