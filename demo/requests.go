package demo

import "github.com/minsheng/minsheng/ticket"

// place is what kind of address a request gives.
type place int

const (
	atHome   place = iota // a flat: estate, building, entrance
	atEstate              // a housing estate
	atRoad                // a spot on a road
	nowhere               // no address: a question about a policy
)

// season is when in the year a request is common.
type season int

const (
	allYear   season = iota
	heating          // the heating season, 15 October to 15 April
	snow             // November to March
	warm             // April to October: building works, open windows
	enrolment        // April to August: school places
	yearEnd          // November to February: wages before the Spring Festival
	spring           // March to May: wind and dust
)

// Handling targets that are not a department code.
const (
	toCommunity = "community" // the community of the address
	toStreet    = "street"    // the street (or town) of the address
)

// request is a kind of thing residents call about: the text of the ticket
// with slots ({estate}, {days} …) filled per ticket, where it goes, and how
// the handling unit answers.
type request struct {
	cat    string      // leaf category code
	kind   ticket.Kind // nature of the request
	to     string      // handling unit: toCommunity, toStreet or a department code
	wrong  string      // a department a dispatcher might wrongly choose first; "" for none
	titles []string
	body   string   // the request, as the agent writes it down after the channel's lead-in
	answer string   // the agent's answer when resolved on the call; "" if it must be dispatched
	reply  []string // the handling unit's reply (办结回复)
	where  place
	weight float64 // how common, relative to the others
	season season
	urgent float64 // share that is urgent
	crit   float64 // share that is critical
	patrol bool    // something in the street that grid workers find on patrol
	auto   bool    // a routing rule dispatches it at registration
}

// requests is what the demo district's residents ask for. Every text here
// is written for the demo.
var requests = []request{
	// 城乡建设
	{cat: "city.property.elevator", kind: ticket.KindComplaint, to: toCommunity, wrong: "dept-shichang",
		titles: []string{"{estate}{bldg}号楼电梯停运{days}天无人维修", "{estate}{bldg}号楼{dy}单元电梯坏了{days}天"},
		body:   "{community}{estate}{bldg}号楼{dy}单元电梯已停运{days}天，楼里住着好几位七八十岁的老人，上下楼只能靠邻居搀扶。物业称在等配件，但一直给不出维修时间，希望尽快协调修复。",
		reply: []string{
			"接件后，{hunit}工作人员当日到{estate}{bldg}号楼实地核实，电梯因曳引机制动器故障停运。社区约谈了物业公司，督促其联系维保单位调货维修，电梯已修复并经检测合格后恢复运行。社区将每月抽查电梯维保记录，避免长时间停运。",
			"{hunit}联系物业公司和电梯维保单位到场检修，故障原因为门机控制板损坏，已更换新配件，试运行正常。已电话告知来电人，并提醒物业在停梯期间为行动不便的老人提供帮助。",
		},
		where: atHome, weight: 6},
	{cat: "market.quality.equipment", kind: ticket.KindComplaint, to: "dept-shichang", wrong: toCommunity,
		titles: []string{"{estate}电梯频繁困人，存在安全隐患"},
		body:   "{estate}{bldg}号楼电梯本月已经困人{n}次，今天上午又有一位老人被困了二十多分钟，物业只是重启一下就继续使用，居民担心出事故，要求对电梯进行安全检测。",
		reply: []string{
			"区市场监管局特种设备安全监察人员到{estate}现场检查，该电梯存在层门锁闭装置磨损问题，已责令使用单位停用整改。维保单位更换了层门门锁部件，经检验机构复检合格后恢复使用，并对物业下达了加强日常维保的监督指令。",
		},
		where: atHome, weight: 2, urgent: 0.2, crit: 0.1},
	{cat: "city.property.service", kind: ticket.KindComplaint, to: toCommunity,
		titles: []string{"{estate}物业服务差，楼道卫生无人打扫", "{estate}物业收费不服务"},
		body:   "{estate}物业长期不作为，楼道里堆满杂物和垃圾，楼道灯坏了{months}个月也没人修，单元门禁也是坏的，业主多次找物业反映都没有结果，物业费却照收不误。希望有关部门督促物业履行服务合同。",
		reply: []string{
			"{hunit}约谈了{estate}物业公司负责人，责令其对楼道卫生和杂物进行集中清理，更换损坏的楼道灯和单元门禁，并建立每日保洁台账。社区将每周抽查物业服务情况，业主有问题可直接联系社区网格员。",
			"经{hunit}现场查看，反映情况基本属实。物业公司已安排人员清理楼道杂物，维修了楼道照明和门禁。社区已将该小区列入物业服务重点督查名单，下月组织业主代表对物业服务进行测评。",
		},
		where: atEstate, weight: 4},
	{cat: "city.property.fee", kind: ticket.KindInquiry, to: "dept-zhujian", wrong: toCommunity,
		titles: []string{"{estate}物业费上涨是否需要业主同意"},
		body:   "{estate}物业公司贴出通知，物业费从每平方米{fee1}元涨到{fee2}元，没有开过业主大会，也没有征求业主意见，想了解物业涨价需要走什么程序。",
		answer: "已告知来电人：住宅物业服务费的调整应当与业主协商并依法履行相应程序，调整方案需在小区显著位置公示。如物业公司未经程序擅自涨价，可向区住建局物业管理部门反映，也可通过业主委员会与物业公司协商。来电人表示清楚。",
		reply: []string{
			"区住建局经调查，{estate}物业公司此次调价未履行与业主协商和公示程序，已责令其暂停执行新的收费标准，仍按原标准收费，待依法履行程序后方可调整。已电话向来电人反馈。",
		},
		where: atEstate, weight: 2},
	{cat: "city.heating.cold", kind: ticket.KindComplaint, to: "util-heat", wrong: "dept-zhujian",
		titles: []string{"{estate}{bldg}号楼暖气不热，室温只有{temp}度", "{estate}供暖不达标，家中老人受冻"},
		body:   "{community}{estate}{bldg}号楼{room}室入冬以来暖气一直不热，屋里温度只有{temp}度左右，家中有{age}岁的老人，晚上盖两床被子还冷。已经向换热站反映了{n}次，来人看了看就走了，问题一直没解决。",
		reply: []string{
			"供热公司维修人员入户检测，{room}室室温{temp}度，不达标原因为户内管道积气、入户过滤器堵塞。已对管道排气并清洗过滤器，复测室温升至19度，达到供热标准。已告知来电人如再出现问题可直接联系换热站。",
			"接件后，供热公司对{estate}所在换热站进行了调节，提高了二次网供水温度，并对{bldg}号楼单元立管进行了水力平衡调试。两日后回访测温，{room}室室温为18.5度，符合供热标准。",
		},
		where: atHome, weight: 12, season: heating, urgent: 0.05},
	{cat: "city.heating.leak", kind: ticket.KindHelp, to: "util-heat",
		titles: []string{"{estate}{bldg}号楼暖气管道爆裂漏水"},
		body:   "{estate}{bldg}号楼{dy}单元楼道里的暖气管道突然爆裂，热水一直往下流，楼梯上已经结冰，楼下住户家里也进了水，请求马上派人抢修。",
		reply: []string{
			"供热公司抢修人员接单后{mins}分钟到达现场，关闭单元供热阀门后更换了破损管段，当晚恢复供热，并清理了楼道积水和结冰。楼下住户的损失由供热公司与住户协商赔偿。",
		},
		where: atHome, weight: 3, season: heating, urgent: 0.35, crit: 0.1, auto: true},
	{cat: "city.heating.fee", kind: ticket.KindInquiry, to: "util-heat",
		titles: []string{"咨询房屋空置能否申请停暖"},
		body:   "在{estate}有一套房子长期没人住，想了解能不能申请停暖，停暖后还要交多少基本热费，需要带什么材料到哪里办理。",
		answer: "已告知来电人：空置房屋可在供暖季开始前携带房屋产权证明和身份证到供热公司营业厅申请停暖，停暖期间需按规定缴纳基本热费，具体标准以供热公司公示为准。来电人表示知晓。",
		reply: []string{
			"供热公司已电话联系来电人，说明了停暖申请条件、基本热费标准和办理流程，来电人已到营业厅办理了停暖手续。",
		},
		where: atEstate, weight: 2},
	{cat: "city.renewal.progress", kind: ticket.KindComplaint, to: "dept-zhujian", wrong: toStreet,
		titles: []string{"{estate}老旧小区改造工期拖延"},
		body:   "{community}{estate}老旧小区改造从{month}月份开工，到现在已经{months}个月了，外墙保温和路面硬化还没有完成，小区里到处堆着建筑材料，晚上也没有照明，居民出行很不方便，希望加快施工进度。",
		reply: []string{
			"经区住建局核实，{estate}改造项目因地下管网迁改与雨季影响，工期有所滞后。已约谈施工单位，督促其增加施工人员、倒排工期，外墙保温计划于本月底完工，路面硬化于下月中旬完成，同时要求施工方每日清理现场、设置夜间照明和安全围挡。",
		},
		where: atEstate, weight: 3, season: warm},
	{cat: "city.renewal.quality", kind: ticket.KindComplaint, to: "dept-zhujian",
		titles: []string{"老旧小区改造后屋顶漏水"},
		body:   "{estate}去年做了老旧小区改造，屋面也做了防水，可是今年一下雨，{bldg}号楼顶层好几户家里天花板渗水、墙皮脱落，找施工队一直没人管，要求返修。",
		reply: []string{
			"区住建局组织施工单位和监理单位对{estate}{bldg}号楼屋面进行了查勘，确认系防水卷材搭接处施工不到位。项目在保修期内，施工单位已完成屋面防水返修，并对受损住户室内墙面进行了修补，雨后复查无渗漏。",
		},
		where: atHome, weight: 2, season: warm},
	{cat: "city.housing.title", kind: ticket.KindHelp, to: "dept-zhujian",
		titles: []string{"在{estate}购房{years}年仍未办下不动产权证"},
		body:   "{year}年在{estate}买的商品房，到现在已经{years}年了还没有拿到不动产权证，开发商一直说手续不全，孩子上学、落户都受影响，希望政府帮忙协调。",
		reply: []string{
			"经区住建局调查，{estate}项目因开发企业未完成竣工验收备案，无法办理首次登记。已约谈开发企业，责令其两个月内补齐验收资料，区住建局将会同不动产登记部门开通绿色通道，手续完备后集中为业主办证，进展情况将通过社区告知业主。",
		},
		where: atEstate, weight: 2},
	{cat: "city.housing.expropriation", kind: ticket.KindInquiry, to: "dept-zhujian",
		titles: []string{"咨询{road}片区征收补偿标准"},
		body:   "听说{road}一带要进行棚户区改造，家里的老房子在范围内，想了解补偿标准是怎么定的，可以选择货币补偿还是产权调换。",
		answer: "已告知来电人：房屋征收补偿以征收决定公告和补偿方案为准，被征收人可选择货币补偿或房屋产权调换，补偿金额依据有资质的评估机构评估确定。目前该片区尚未发布征收决定，请来电人关注区政府公告。",
		reply: []string{
			"区住建局已电话联系来电人，告知{road}片区改造项目目前处于前期调查阶段，征收补偿方案将依法公开征求意见，届时可选择货币补偿或产权调换。来电人表示理解。",
		},
		where: atRoad, weight: 1},

	// 公用事业
	{cat: "utility.water.outage", kind: ticket.KindHelp, to: "util-water",
		titles: []string{"{estate}突然停水，事先没有通知", "{community}一带停水{n}个小时仍未恢复"},
		body:   "{community}{estate}从今天早上开始停水，事先没有看到任何停水通知，已经停了{n}个小时，家里老人孩子做饭洗漱都成了问题，想知道什么时候能恢复供水。",
		reply: []string{
			"经供水公司核实，因{road}供水主管道突发爆管，需紧急抢修，导致{estate}等小区临时停水。抢修已于当日完成，供水已恢复正常。今后计划性停水将提前24小时在小区公告栏和公众号发布通知。",
			"供水公司接件后派员排查，停水原因为{estate}二次供水泵房水泵故障。已更换水泵电机，供水于当晚恢复。已要求小区物业加强泵房设备日常巡检。",
		},
		where: atEstate, weight: 6, urgent: 0.15},
	{cat: "utility.water.quality", kind: ticket.KindComplaint, to: "util-water",
		titles: []string{"{estate}自来水发黄有异味"},
		body:   "{estate}{bldg}号楼最近{days}天放出来的自来水发黄，放一会儿底下有沉淀，烧开后还有一股味道，不敢喝，要求检测水质。",
		reply: []string{
			"供水公司在{estate}采集了水样检测，各项指标符合国家生活饮用水卫生标准。水色发黄系小区二次供水水箱清洗后管道锈蚀物脱落所致，已对小区管网冲洗并对二次供水设施消毒，水质已恢复正常。",
		},
		where: atHome, weight: 2},
	{cat: "utility.water.pressure", kind: ticket.KindComplaint, to: "util-water",
		titles: []string{"{estate}高层水压不足，早晚用不上水"},
		body:   "家住{estate}{bldg}号楼{high}楼，每天早上和晚上用水高峰时水龙头只有细细的一股水，热水器都打不着火，这种情况已经持续{months}个月了。",
		reply: []string{
			"供水公司对{estate}加压泵站进行了检查，发现变频供水设备压力设定偏低且一台水泵故障。已维修水泵并重新设定供水压力，高峰时段{high}楼出水已恢复正常。",
		},
		where: atHome, weight: 2},
	{cat: "utility.power.outage", kind: ticket.KindComplaint, to: "util-power",
		titles: []string{"{road}一带频繁停电"},
		body:   "{community}{road}一带最近一周已经停了{n}次电，每次一两个小时，冰箱里的东西都坏了，家里老人在用制氧机，一停电就很危险，希望供电公司查明原因。",
		reply: []string{
			"供电公司经排查，该区域停电系{road}10千伏线路设备老化、负荷过重导致跳闸。已更换故障设备并对台区进行增容改造，目前供电正常。对家中使用医疗设备的住户，已登记为重点保障用户，计划停电时提前电话告知。",
		},
		where: atEstate, weight: 3, urgent: 0.1},
	{cat: "utility.power.meter", kind: ticket.KindComplaint, to: "util-power",
		titles: []string{"电费突然比平时高出好几倍"},
		body:   "家住{estate}{bldg}号楼{room}室，家里就两个老人住，平时一个月电费几十元，上个月突然交了{bill}元，怀疑电表有问题，要求核查。",
		reply: []string{
			"供电公司工作人员上门对{room}室电表进行了现场校验，电表计量准确。经查询用电记录，上月用电量增加系家中电暖器长时间使用所致。工作人员向来电人讲解了电量查询方法和节约用电的建议，来电人表示认可。",
		},
		where: atHome, weight: 1},
	{cat: "utility.gas.connect", kind: ticket.KindHelp, to: "util-gas",
		titles: []string{"{estate}申请安装天然气一直没有答复"},
		body:   "{estate}是老小区，一直没有通天然气，今年年初已经向燃气公司交了开户申请，到现在也没有答复。冬天只能用电取暖做饭，费用很高，希望尽快安装。",
		reply: []string{
			"燃气公司已对{estate}进行现场勘查，小区具备接入条件，已纳入本年度老旧小区天然气入户计划，预计下月进场施工，完工后将统一通知住户办理开户。",
		},
		where: atEstate, weight: 2},
	{cat: "utility.gas.leak", kind: ticket.KindHelp, to: "util-gas",
		titles: []string{"{estate}{bldg}号楼楼道有浓烈燃气味"},
		body:   "{estate}{bldg}号楼{dy}单元楼道里有很浓的燃气味，担心是燃气泄漏，楼里有老人孩子，请马上派人来处理。",
		reply: []string{
			"燃气公司抢险人员接报后{mins}分钟到场，检测发现{floor}楼表前阀门接口松动导致微量泄漏，已关闭阀门并更换密封件，复检无泄漏后恢复供气，同时向住户宣传了燃气安全常识。",
		},
		where: atHome, weight: 2, urgent: 0.55, crit: 0.35, auto: true},

	// 城市管理
	{cat: "urban.sanitation.garbage", kind: ticket.KindComplaint, to: "dept-chengguan", wrong: toStreet,
		titles: []string{"{road}垃圾箱满溢{days}天无人清运"},
		body:   "{road}{no}号附近的垃圾箱已经{days}天没有清运了，垃圾堆到了路边，气味很大，还招来很多苍蝇和老鼠，希望环卫部门尽快清理。",
		reply: []string{
			"区城管局已安排环卫作业单位对{road}沿线垃圾进行了清运，并对垃圾箱周边冲洗消毒。已要求作业单位将该点位的清运频次调整为每日两次，避免再次满溢。",
		},
		where: atRoad, weight: 5, patrol: true},
	{cat: "urban.sanitation.garbage", kind: ticket.KindComplaint, to: toCommunity,
		titles: []string{"{estate}装修垃圾堆放多日无人清理"},
		body:   "{estate}{bldg}号楼旁边有住户装修留下的建筑垃圾堆了{days}天，占了半条路，小孩在上面爬来爬去很危险，物业说不归他们管。",
		reply: []string{
			"{hunit}协调物业公司和装修户，已将建筑垃圾清运完毕。社区要求物业落实装修垃圾集中堆放和及时清运制度，并在小区公告栏张贴了装修管理规定。",
		},
		where: atEstate, weight: 3, patrol: true},
	{cat: "urban.sanitation.toilet", kind: ticket.KindComplaint, to: "dept-chengguan",
		titles: []string{"{road}公厕脏乱且经常锁门"},
		body:   "{road}和{road2}路口的公共厕所卫生很差，地面污水横流，而且白天也经常锁着门，附近摆摊的和过路的群众如厕很不方便。",
		reply: []string{
			"区城管局对{road}公厕管理情况进行了检查，已督促保洁单位落实每日定时保洁和专人值守，开放时间调整为早6点至晚11点，并在门口公示了监督电话。",
		},
		where: atRoad, weight: 1, patrol: true},
	{cat: "urban.sanitation.snow", kind: ticket.KindComplaint, to: "dept-chengguan", wrong: toStreet,
		titles: []string{"{road}人行道积雪结冰无人清扫"},
		body:   "前两天下雪后，{road}靠近{road2}路口这一段人行道上的雪一直没人扫，现在已经结成了冰，早上已经有好几位老人滑倒，希望尽快清理。",
		reply: []string{
			"区城管局接件后组织环卫工人和机械设备对{road}人行道积雪进行了清理，并撒布融雪剂。已要求沿街单位落实门前三包责任，雪后及时清扫。",
		},
		where: atRoad, weight: 4, season: snow, patrol: true},
	{cat: "urban.facility.road", kind: ticket.KindReport, to: "dept-chengguan", wrong: "dept-jiaotong",
		titles: []string{"{road}{no}号附近路面塌陷"},
		body:   "{road}{no}号附近的路面塌了一个大坑，差不多有一米宽，晚上光线不好，已经有骑电动车的人摔倒了，希望尽快修补。",
		reply: []string{
			"区城管局市政维修人员当日在{road}{no}号附近破损路面设置了警示标志，次日完成修补，路面已恢复平整。",
		},
		where: atRoad, weight: 4, urgent: 0.1, patrol: true},
	{cat: "urban.facility.light", kind: ticket.KindComplaint, to: "dept-chengguan",
		titles: []string{"{road}路灯不亮，夜间出行不安全"},
		body:   "{road}靠近{road2}路口往西这一段有{n}盏路灯已经不亮{days}天了，晚上黑乎乎的，老人孩子出门很不安全。",
		reply: []string{
			"经区城管局排查，该路段路灯因地下电缆被施工挖断导致不亮。已重新敷设电缆，{n}盏路灯全部恢复照明。",
			"区城管局路灯维护人员夜间巡查，确认{n}盏路灯灯具损坏，已全部更换为LED灯具，照明已恢复。",
		},
		where: atRoad, weight: 3, patrol: true},
	{cat: "urban.facility.manhole", kind: ticket.KindReport, to: "dept-chengguan",
		titles: []string{"{road}井盖缺失，存在安全隐患"},
		body:   "{road}{no}号门口人行道上的井盖不见了，只剩一个黑洞，旁边就是学生上学的必经之路，非常危险。",
		reply: []string{
			"区城管局接件后30分钟内到场设置了围挡和警示标志，经查为雨水井盖被盗，已于当日更换防盗井盖，并将该路段纳入日常巡查。",
		},
		where: atRoad, weight: 2, urgent: 0.4, crit: 0.1, patrol: true},
	{cat: "urban.order.vendor", kind: ticket.KindComplaint, to: toStreet, wrong: "dept-chengguan",
		titles: []string{"{road}早市占道经营堵塞交通"},
		body:   "每天早上{road}{community}门口有大量摊贩占道经营，车辆和行人根本过不去，散市后烂菜叶和垃圾扔得满地都是，希望加强管理。",
		reply: []string{
			"{hunit}会同城管执法中队对{road}占道经营进行了集中整治，劝导摊贩进入附近农贸市场经营，并安排执法人员早间定时巡查，目前道路通行秩序已经恢复。",
		},
		where: atRoad, weight: 3, patrol: true},
	{cat: "urban.order.building", kind: ticket.KindReport, to: toStreet, wrong: "dept-chengguan",
		titles: []string{"举报{estate}一楼住户私搭乱建"},
		body:   "{estate}{bldg}号楼一楼的住户最近在楼前绿地上搭建了一间彩钢房，占用了公共绿地，影响楼上住户采光和通行，希望依法拆除。",
		reply: []string{
			"{hunit}会同城管执法部门现场核查，该彩钢房未取得规划许可，属违法建设。已依法下达限期拆除通知书，当事人已在规定期限内自行拆除，绿地已恢复原状。",
		},
		where: atHome, weight: 3, patrol: true},
	{cat: "urban.order.ads", kind: ticket.KindReport, to: "dept-chengguan",
		titles: []string{"{road}商铺广告牌松动存在坠落隐患"},
		body:   "{road}{no}号几家商铺门头的广告牌已经松动，刮风时摇摇晃晃，下面就是人行道，担心砸到行人。",
		reply: []string{
			"区城管局已责令相关商铺对松动的广告牌进行加固，其中一块破损严重的广告牌已拆除，并对该路段户外广告设施开展了安全排查。",
		},
		where: atRoad, weight: 1, urgent: 0.2, patrol: true},

	// 环境保护
	{cat: "env.noise.construction", kind: ticket.KindComplaint, to: "dept-shengtai", wrong: "dept-zhujian",
		titles: []string{"{site}夜间施工噪音扰民"},
		body:   "{road}附近的{site}工地每天施工到{hour}以后，搅拌车和打桩的声音特别大，周边{estate}的居民根本没法休息，希望有关部门制止夜间施工。",
		reply: []string{
			"区生态环境局执法人员夜间到场检查，该工地未取得夜间施工证明擅自施工，已责令立即停止夜间作业并依法立案调查。已要求施工单位严格按规定时段施工，我局将不定期开展夜查。",
			"经区生态环境局核查，该工地夜间施工系混凝土连续浇筑工艺需要，已办理夜间施工证明但未提前公告。已责令施工单位在工地周边张贴公告、使用低噪声设备，并将高噪声作业安排在晚10点前完成。",
		},
		where: atRoad, weight: 5, season: warm},
	{cat: "env.noise.commercial", kind: ticket.KindComplaint, to: "dept-shengtai", wrong: toStreet,
		titles: []string{"{road}商铺高音喇叭招揽顾客"},
		body:   "{road}{no}号附近几家服装店和手机店每天在门口用大喇叭循环播放促销广告，从早上一直响到晚上，住在楼上的居民不堪其扰。",
		reply: []string{
			"区生态环境局会同{street}对{road}沿街商铺进行了检查，责令使用高音喇叭招揽顾客的{n}家商铺立即停止，并告知其违反噪声污染防治相关规定，如再犯将依法处罚。",
		},
		where: atRoad, weight: 2},
	{cat: "env.air.fumes", kind: ticket.KindComplaint, to: "dept-chengguan", wrong: "dept-shengtai",
		titles: []string{"{restaurant}油烟直排居民楼"},
		body:   "{estate}{bldg}号楼底商的{restaurant}没有安装油烟净化设施，油烟直接排到楼上，住户家里不敢开窗，晾的衣服上全是油烟味。",
		reply: []string{
			"区城管局执法人员现场检查，{restaurant}油烟净化设施未正常使用，已责令其限期安装合格的油烟净化装置、将排烟管道引至楼顶排放。复查时该店已完成整改。",
		},
		where: atHome, weight: 3},
	{cat: "env.air.dust", kind: ticket.KindComplaint, to: "dept-shengtai",
		titles: []string{"{site}工地扬尘严重"},
		body:   "{road}{site}工地土方作业时不洒水降尘，渣土车也不苫盖，一刮风尘土飞扬，周边居民家里窗台上落了厚厚一层土。",
		reply: []string{
			"区生态环境局执法人员现场检查，该工地存在裸土未覆盖、渣土车未密闭运输等问题，已责令立即整改并依法处罚。施工单位已对裸土全部覆盖，增设了雾炮和车辆冲洗设施。",
		},
		where: atRoad, weight: 2, season: spring, patrol: true},
	{cat: "env.air.burning", kind: ticket.KindReport, to: "dept-shengtai",
		titles: []string{"{road}附近有人露天焚烧垃圾"},
		body:   "{road}靠近{road2}的一片空地上经常有人晚上焚烧垃圾和废旧轮胎，烟很大，气味刺鼻，周边居民晚上都不敢开窗。",
		reply: []string{
			"区生态环境局会同{street}对该空地进行了巡查，清理了焚烧残留物，对空地设置了围挡，并安排网格员夜间巡查，此后未再发现焚烧行为。",
		},
		where: atRoad, weight: 1, patrol: true},
	{cat: "env.water.sewage", kind: ticket.KindReport, to: "dept-shengtai", wrong: "dept-chengguan",
		titles: []string{"{road}洗车店污水直排路边"},
		body:   "{road}{no}号一家洗车店把洗车污水直接排到路边雨水井里，路面上全是泥水，冬天还结冰，怀疑没有办理排水许可。",
		reply: []string{
			"区生态环境局会同城管执法部门检查，该洗车店未安装污水沉淀设施，存在污水直排行为。已责令其停业整改，目前已建成三级沉淀池并办理排水许可，路面已清理干净。",
		},
		where: atRoad, weight: 1, patrol: true},
	{cat: "env.water.river", kind: ticket.KindReport, to: "dept-shengtai",
		titles: []string{"河道垃圾漂浮，水面发黑发臭"},
		body:   "{road}附近的河道里漂着很多塑料袋和生活垃圾，部分河段水面发黑，天一热气味很大，希望清理。",
		reply: []string{
			"区生态环境局会同河道管理部门对该河段进行了清理，打捞漂浮垃圾约{n}吨，并对沿线排口进行了排查，封堵了一处生活污水私接口。",
		},
		where: atRoad, weight: 1, season: warm, patrol: true},

	// 交通运输
	{cat: "traffic.parking.illegal", kind: ticket.KindComplaint, to: "dept-gongan", wrong: "dept-jiaotong",
		titles: []string{"{road}车辆乱停堵塞{estate}出入口"},
		body:   "{estate}出入口和{road}两侧经常有车辆乱停乱放，消防通道都被堵了，早晚高峰小区车辆进出非常困难，希望交警加强管理。",
		reply: []string{
			"区公安分局交警大队已对{road}违停车辆进行了集中整治，对{n}辆违停车辆依法处罚，并协调在小区出入口施划禁停标线。今后将加强该路段早晚高峰巡逻。",
		},
		where: atEstate, weight: 5, patrol: true},
	{cat: "traffic.parking.spaces", kind: ticket.KindSuggestion, to: toStreet,
		titles: []string{"建议在{community}周边增设停车位"},
		body:   "{community}周边都是老小区，没有停车场，晚上回来根本找不到停车位，只能停在路边被贴罚单。建议利用{road}附近的闲置空地建设便民停车场。",
		reply: []string{
			"感谢您的建议。{hunit}已会同相关部门对{road}附近空地进行了实地查看，该地块权属已核实，拟规划建设临时便民停车场，约可提供停车位{n2}个，方案确定后将向居民公示。",
		},
		where: atEstate, weight: 2},
	{cat: "traffic.bus.route", kind: ticket.KindSuggestion, to: "dept-jiaotong",
		titles: []string{"建议{bus}路公交车延长运营时间"},
		body:   "{bus}路公交车末班车是{evening}，{community}一带很多居民下班晚，经常赶不上末班车，建议延长末班车时间或增设夜班线路。",
		reply: []string{
			"感谢您的建议。区交通运输局已将该建议转公交公司研究。经客流调查，{bus}路夜间客流较大，公交公司计划自下月起将末班车发车时间延后半小时，具体以公交公司公告为准。",
		},
		where: nowhere, weight: 2},
	{cat: "traffic.bus.service", kind: ticket.KindComplaint, to: "dept-jiaotong",
		titles: []string{"{bus}路公交车到站不停"},
		body:   "在{road}站等{bus}路公交车，车辆经常不靠站直接开走，今天早上连着两趟都没停，上班迟到了，希望管一管。",
		reply: []string{
			"区交通运输局已责成公交公司调取车载监控核查，{bus}路两名驾驶员存在到站不停的行为，公交公司已对其进行批评教育和经济处罚，并对全线驾驶员开展了服务规范培训。",
		},
		where: atRoad, weight: 2},
	{cat: "traffic.taxi.refusal", kind: ticket.KindComplaint, to: "dept-jiaotong",
		titles: []string{"出租车司机拒载并辱骂乘客"},
		body:   "昨天晚上在{road}打车去{hospital}，车牌号青A{plate}的出租车司机嫌路近拒载，还出言不逊，要求严肃处理。",
		reply: []string{
			"区交通运输局执法人员调取了车辆营运记录，确认青A{plate}出租车驾驶员存在拒载行为，已依法作出罚款处理并记入服务质量信誉考核，驾驶员已向来电人道歉。",
		},
		where: nowhere, weight: 2},
	{cat: "traffic.road.signal", kind: ticket.KindSuggestion, to: "dept-gongan",
		titles: []string{"建议在{road}{road2}路口增设红绿灯"},
		body:   "{road}和{road2}交叉口车流量很大，没有红绿灯，学生上下学过马路很危险，前段时间还发生过剐蹭事故，建议增设信号灯或安排交警值守。",
		reply: []string{
			"区公安分局交警大队已对该路口进行了交通流量调查，拟在路口增设行人过街信号灯，已报市交警支队审批；审批期间在上下学高峰安排警力和志愿者值守。",
		},
		where: atRoad, weight: 1},

	// 教育文体
	{cat: "edu.enrol.primary", kind: ticket.KindInquiry, to: "dept-jiaoyu",
		titles: []string{"咨询孩子小学入学划片和报名材料"},
		body:   "孩子今年满六周岁，家住{community}{estate}，想了解对应的划片学校是哪所，报名需要准备什么材料，父母是外地户口能不能在这里上学。",
		answer: "已告知来电人：城西区义务教育招生实行划片就近入学，学区划分和报名时间以区教育局当年发布的招生公告为准；报名一般需提供儿童户口簿、房屋产权证明或居住证等材料，随迁子女凭居住证等材料按规定安排入学。来电人表示会关注招生公告。",
		reply: []string{
			"区教育局已电话联系来电人，告知其住址{estate}属{school}学区，报名需提供儿童户口簿、出生医学证明、房屋产权证明，随迁子女另需父母居住证和务工证明，网上报名一般在7月上旬，具体以招生公告为准。",
		},
		where: atEstate, weight: 4, season: enrolment},
	{cat: "edu.enrol.kindergarten", kind: ticket.KindHelp, to: "dept-jiaoyu",
		titles: []string{"附近公办幼儿园学位不足，孩子上不了园"},
		body:   "孩子今年三岁半，家住{estate}，附近的{kinder}报名的人太多没有摇上号，私立幼儿园一个月要两三千，家里负担不起，希望教育部门帮忙协调普惠性幼儿园学位。",
		reply: []string{
			"区教育局已了解来电人孩子的入园需求，{kinder}学位确已满额。经协调，为其孩子安排了距住址约一公里的普惠性民办幼儿园学位，保教费按普惠标准收取，来电人表示接受。",
		},
		where: atEstate, weight: 2, season: enrolment},
	{cat: "edu.school.fees", kind: ticket.KindReport, to: "dept-jiaoyu",
		titles: []string{"举报{school}违规收取资料费"},
		body:   "{school}开学时班主任让每个学生交{fee3}元资料费，说是买练习册，没有开收据，也没说是自愿的，家长们有意见但不敢说。",
		reply: []string{
			"区教育局对{school}进行了调查，该班主任存在违规代收教辅资料费的行为，已责令学校全额退还所收费用，对相关教师进行了批评教育，并在全区开展了规范收费专项检查。",
		},
		where: nowhere, weight: 1},
	{cat: "edu.school.tutoring", kind: ticket.KindReport, to: "dept-jiaoyu", wrong: toStreet,
		titles: []string{"举报{estate}居民楼内违规开办培训班"},
		body:   "{estate}{bldg}号楼{room}室有人在家里开办学科培训班，周末和晚上有几十个学生进进出出，楼道里很吵，而且没有消防设施，存在安全隐患。",
		reply: []string{
			"区教育局会同{street}对{estate}{bldg}号楼{room}室进行了检查，该处系未经审批的学科类培训点，已依法责令其停止培训，并向家长宣传了校外培训的有关政策。",
		},
		where: atHome, weight: 1},
	{cat: "edu.culture.fitness", kind: ticket.KindComplaint, to: toCommunity, wrong: "dept-wenlv",
		titles: []string{"{community}广场健身器材损坏存在安全隐患"},
		body:   "{community}{estate}旁边小广场上的健身器材有好几件已经坏了，转轮掉了、铁管生锈断裂，孩子们还在上面玩，很不安全，希望尽快维修或更换。",
		reply: []string{
			"{hunit}已对损坏的健身器材设置警示标识并暂停使用，协调区文体旅游局对{n}件器材进行了维修更换，目前已恢复使用。",
		},
		where: atEstate, weight: 2, patrol: true},
	{cat: "edu.culture.venue", kind: ticket.KindSuggestion, to: "dept-wenlv",
		titles: []string{"建议延长社区书房开放时间"},
		body:   "{community}的社区书房环境很好，但只在工作日白天开放，上班族和学生根本去不了，建议晚上和周末也开放。",
		reply: []string{
			"感谢您的建议。区文体旅游局已会同{street}研究调整{community}书房开放时间，自下月起周末全天开放，工作日延长至晚8点。",
		},
		where: nowhere, weight: 1},

	// 劳动和社会保障
	{cat: "labour.wage.arrears", kind: ticket.KindHelp, to: "dept-renshe", wrong: toStreet,
		titles: []string{"{company}拖欠工资{months}个月", "农民工讨薪求助：被拖欠{amount}元"},
		body:   "在{road}附近的{site}干活，{company}已经拖欠{months}个月工资共{amount}元，包工头电话也打不通了，家里老人看病、孩子上学都等着用钱，请求政府帮忙讨薪。",
		reply: []string{
			"区人社局劳动保障监察大队约谈了{company}负责人，核实拖欠工资情况属实。经督促，该公司已通过农民工工资专用账户将拖欠的{amount}元工资全额支付给来电人，并结清了同班组其他工人的工资。",
			"区人社局劳动保障监察大队已对{company}立案调查，责令其限期支付拖欠工资。目前来电人的工资已由总承包单位从工资保证金中先行垫付到位，对该公司的处理正在依法进行。",
		},
		where: atRoad, weight: 5, season: yearEnd, urgent: 0.1},
	{cat: "labour.wage.contract", kind: ticket.KindInquiry, to: "dept-renshe",
		titles: []string{"公司不签劳动合同，咨询如何维权"},
		body:   "在一家商贸公司上班已经{months}个月，公司一直不和员工签劳动合同，也不交社保，想了解这种情况能不能要求赔偿，到哪里申请仲裁。",
		answer: "已告知来电人：用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍工资；可向区人社局劳动保障监察大队投诉，或向劳动人事争议仲裁委员会申请仲裁。来电人表示清楚。",
		reply: []string{
			"区人社局劳动保障监察大队已电话联系来电人，详细解答了未签订劳动合同的二倍工资规定和社保补缴途径，并告知投诉和申请仲裁需要准备的材料，来电人表示将先与公司协商。",
		},
		where: nowhere, weight: 1},
	{cat: "labour.insurance.pension", kind: ticket.KindInquiry, to: "dept-renshe",
		titles: []string{"咨询灵活就业人员如何缴纳养老保险"},
		body:   "今年{age2}岁，之前在企业上班交了{years2}年社保，现在单位倒闭了，想以灵活就业身份继续缴纳养老保险，想了解在哪里办、每年交多少钱。",
		answer: "已告知来电人：灵活就业人员可持身份证到社保经办窗口或通过网上经办平台办理参保登记，缴费基数可在规定档次内自主选择，累计缴费满15年且达到法定退休年龄后可按月领取养老金。来电人表示知晓。",
		reply: []string{
			"区人社局社保经办人员已电话联系来电人，告知其可通过网上经办平台办理灵活就业参保登记，并讲解了今年的缴费档次和缴费方式，来电人已完成登记。",
		},
		where: nowhere, weight: 4},
	{cat: "labour.insurance.medical", kind: ticket.KindInquiry, to: "dept-yibao",
		titles: []string{"咨询异地就医备案和医保报销"},
		body:   "家里{relation}要去外省儿子那里住一段时间，身体不好经常看病，想了解异地就医怎么备案，在外地看病能不能直接报销。",
		answer: "已告知来电人：异地就医可通过国家医保服务平台或到区医保经办窗口办理备案，备案后在就医地联网定点医疗机构可直接结算；未备案的可凭票据回参保地按规定报销。来电人表示清楚。",
		reply: []string{
			"区医保局已电话联系来电人，指导其通过手机办理了异地长期居住备案，并告知在就医地选择联网定点医院即可直接结算。",
		},
		where: nowhere, weight: 4},
	{cat: "labour.insurance.unemployment", kind: ticket.KindInquiry, to: "dept-renshe",
		titles: []string{"咨询失业保险金申领条件"},
		body:   "上个月被公司辞退了，之前在单位交了{years2}年失业保险，想了解能不能领失业保险金、能领多长时间、要带什么材料。",
		answer: "已告知来电人：非因本人意愿中断就业、失业前参加失业保险并缴费满一年、已办理失业登记并有求职要求的，可申领失业保险金，领取期限根据累计缴费年限确定，可通过线上平台或到区人社局窗口申领。",
		reply: []string{
			"区人社局已电话联系来电人，核实其符合失业保险金申领条件，指导其在线上办理了失业登记和申领，经审核可领取失业保险金{months}个月。",
		},
		where: nowhere, weight: 1},
	{cat: "labour.employment.jobs", kind: ticket.KindInquiry, to: "dept-renshe",
		titles: []string{"失业后想找工作，咨询招聘信息和技能培训"},
		body:   "今年{age2}岁，原来在商场做销售，商场关门后一直没找到工作，想了解区里有没有招聘会和免费的技能培训。",
		answer: "已告知来电人：可通过区人社局的就业服务小程序查看辖区企业招聘岗位，每月有线下招聘会；就业困难人员可免费参加育婴员、家政服务、电工等技能培训。来电人表示会关注。",
		reply: []string{
			"区人社局就业服务人员已联系来电人，为其办理了失业登记，推荐了{n}个适合的岗位，并为其报名了下期家政服务技能培训。",
		},
		where: nowhere, weight: 2},
	{cat: "labour.employment.loan", kind: ticket.KindInquiry, to: "dept-renshe",
		titles: []string{"咨询创业担保贷款申请条件"},
		body:   "想在{road}附近开一家小餐馆，资金不够，听说有创业担保贷款，想了解申请条件、额度和利息。",
		answer: "已告知来电人：符合条件的城镇登记失业人员、就业困难人员、返乡创业人员等可申请创业担保贷款，需提供营业执照、身份证明和经营计划等材料，具体额度和贴息标准以当年政策为准，可到区人社局就业服务窗口咨询办理。",
		reply: []string{
			"区人社局已电话联系来电人，告知其需先办理营业执照，再携带材料到就业服务窗口提出申请，并推荐其参加下月的创业培训。",
		},
		where: nowhere, weight: 1},

	// 卫生计生
	{cat: "health.drug.special", kind: ticket.KindHelp, to: "dept-weijian",
		titles: []string{"家中病人特殊用药断供，请求协调购药", "慢病患者急需特殊用药"},
		body:   "家中{kin}{disease}，附近药店和社区卫生服务中心最近都断货了，家里的药只够吃{days}天，跑了好几家医院都没有买到，请求帮助协调购药。",
		reply: []string{
			"区卫健局特殊用药专岗接件后，联系{hospital}药剂科调剂了药品，并安排社区卫生服务中心工作人员将药品送到来电人家中。已将患者纳入特殊用药保障台账，今后按月跟踪用药需求。",
			"区卫健局特殊用药专岗已协调药品配送企业紧急调货，次日将{n}盒药品送达社区卫生服务中心，由家庭医生送药上门，并向来电人留下了专岗联系电话。",
		},
		where: atHome, weight: 3, urgent: 0.3, crit: 0.05},
	{cat: "health.drug.chronic", kind: ticket.KindHelp, to: "dept-weijian",
		titles: []string{"社区卫生服务中心慢病药品种不全"},
		body:   "{relation}有高血压和糖尿病，每个月都要到{community}附近的社区卫生服务中心开药，最近常用的几种药都没有，只能去大医院排队开，老人腿脚不便，希望社区医院补齐药品。",
		reply: []string{
			"区卫健局已督促社区卫生服务中心与上级医院建立慢病用药衔接机制，补充了常用降压、降糖药品的配备，来电人{relation}所需药品已可在社区开具。",
		},
		where: atEstate, weight: 1},
	{cat: "health.medical.attitude", kind: ticket.KindComplaint, to: "dept-weijian",
		titles: []string{"{hospital}医生服务态度差"},
		body:   "前几天带{relation}到{hospital}看病，接诊医生很不耐烦，问两句就开检查单，家属多问几句就说听不懂就去别的医院，希望医院加强管理。",
		reply: []string{
			"区卫健局已责成{hospital}调查核实，医院调阅了就诊记录并约谈当事医生，当事医生已向来电人当面道歉。医院已将此事纳入医德医风考核，并组织开展医患沟通培训。",
		},
		where: nowhere, weight: 2},
	{cat: "health.public.vaccine", kind: ticket.KindInquiry, to: "dept-weijian",
		titles: []string{"咨询老人接种流感疫苗的地点和费用"},
		body:   "家里{relation}今年{age}岁，想打流感疫苗，想了解在哪里能打、需不需要预约、有没有免费政策。",
		answer: "已告知来电人：可到就近的社区卫生服务中心预防接种门诊接种，建议提前电话预约；老年人免费接种政策以当年卫健部门公布为准。来电人表示清楚。",
		reply: []string{
			"区卫健局已电话告知来电人，{community}附近的社区卫生服务中心预防接种门诊每周二、四上午开放，可电话预约，65岁以上老人按规定享受免费接种。",
		},
		where: nowhere, weight: 1},
	{cat: "health.public.birth", kind: ticket.KindInquiry, to: "dept-weijian",
		titles: []string{"咨询生育登记和育儿补贴申领"},
		body:   "孩子刚出生两个月，想了解生育登记在哪里办，育儿补贴怎么申请，需要准备哪些材料。",
		answer: "已告知来电人：生育登记可通过线上政务服务平台或到户籍所在地社区办理；育儿补贴可通过政务服务平台提交申请，需提供出生医学证明、户口簿和银行卡信息，具体标准以国家和省里的政策为准。来电人表示清楚。",
		reply: []string{
			"区卫健局已电话联系来电人，指导其在政务服务平台完成了生育登记，并提交了育儿补贴申请。",
		},
		where: nowhere, weight: 1},

	// 商贸旅游
	{cat: "commerce.consumer.prepaid", kind: ticket.KindComplaint, to: "dept-shichang",
		titles: []string{"{gym}关门停业，预付卡无法退费"},
		body:   "去年在{road}的{gym}办了一张{card}元的卡，还没用几次，店就突然关门了，老板电话也打不通，很多会员都受了损失，希望帮忙追回费用。",
		reply: []string{
			"区市场监管局已联系{gym}经营者，其承认因经营困难停业。经调解，经营者同意分期退还会员剩余费用，来电人的首期退款已到账；对涉及人数较多的部分，已引导会员通过司法途径维权。",
		},
		where: atRoad, weight: 2},
	{cat: "commerce.consumer.refund", kind: ticket.KindComplaint, to: "dept-shichang",
		titles: []string{"新买的电暖器有质量问题，商家不给退换"},
		body:   "在{road}一家家电商场买的电暖器，用了三天就不热了，还有焦糊味，商场说要寄回厂家检测，拖了半个月也没有结果。",
		reply: []string{
			"区市场监管局组织双方进行了调解，商场同意依照三包规定为来电人更换同型号新品，来电人表示满意。",
		},
		where: atRoad, weight: 1, season: heating},
	{cat: "commerce.market.scales", kind: ticket.KindComplaint, to: "dept-shichang",
		titles: []string{"{market}摊贩缺斤短两"},
		body:   "在{market}买了两斤牛肉，回家一称少了三两多，回去找摊主还不承认，希望管一管。",
		reply: []string{
			"区市场监管局对{market}在用计量器具进行了检查，依法没收了作弊的电子秤，对涉事摊主进行了处罚并督促其向来电人退还差价，市场已增设公平秤。",
		},
		where: nowhere, weight: 1},
	{cat: "commerce.market.hygiene", kind: ticket.KindComplaint, to: "dept-shichang", wrong: "dept-chengguan",
		titles: []string{"{market}地面污水横流，卫生脏乱"},
		body:   "{market}里面排水沟堵了，地面到处是污水，水产区腥臭味很重，垃圾也不及时清理，买菜的人都没处下脚。",
		reply: []string{
			"区市场监管局已约谈{market}开办方，督促其疏通排水沟、增加保洁人员，实行垃圾日产日清，并对水产区进行了改造，市场环境已明显改善。",
		},
		where: nowhere, weight: 1},
	{cat: "commerce.tourism.guide", kind: ticket.KindComplaint, to: "dept-wenlv",
		titles: []string{"一日游导游强制游客购物"},
		body:   "上周参加了一家旅行社组织的一日游，导游把游客带到一家玉石店，不买东西不让走，还说难听的话，要求处理。",
		reply: []string{
			"区文体旅游局已对该旅行社进行了调查，导游存在诱导购物行为，已责令旅行社整改并对导游进行了处罚，旅行社已为来电人办理了退货。",
		},
		where: nowhere, weight: 1, season: warm},

	// 民政
	{cat: "civil.help.ride", kind: ticket.KindHelp, to: toStreet, wrong: "dept-minzheng",
		titles: []string{"{age}岁老人需要接送就医", "行动不便老人求助爱心车队接送透析"},
		body:   "家住{community}{estate}，{relation}今年{age}岁，腿脚不方便，每周要去{hospital}做{times}次透析，子女都在外地，打车很困难，请求社区帮忙安排车辆接送。",
		reply: []string{
			"{hunit}已将老人纳入爱心车队服务对象，安排志愿者车辆每周{times}次定点接送就医，由网格员{worker}负责日常联系。首次接送已完成，老人家属表示感谢。",
		},
		where: atHome, weight: 3, urgent: 0.35, crit: 0.05},
	{cat: "civil.help.supplies", kind: ticket.KindHelp, to: toStreet,
		titles: []string{"独居老人摔伤，请求帮助购买生活物资"},
		body:   "{relation}{age}岁，一个人住在{estate}，最近摔伤了腿下不了楼，子女在外地回不来，家里米面快吃完了，请求社区帮忙买些生活物资送上门。",
		reply: []string{
			"{hunit}当天安排网格员{worker}为老人购买并送去米面油、蔬菜等生活物资，并将老人纳入独居老人定期探访名单，每周上门看望。",
		},
		where: atHome, weight: 1, urgent: 0.2},
	{cat: "civil.elderly.canteen", kind: ticket.KindSuggestion, to: toStreet,
		titles: []string{"建议在{community}开设老年食堂"},
		body:   "{community}老年人很多，不少是独居老人，自己做饭不方便，附近也没有便宜合口的饭馆，建议在社区开设老年食堂或助餐点。",
		reply: []string{
			"感谢您的建议。{hunit}已将{community}助餐点建设列入明年民生实事计划，现阶段已与附近一家餐饮企业合作开展老年人送餐服务，80岁以上老人可享受每餐补贴。",
		},
		where: atEstate, weight: 2},
	{cat: "civil.elderly.allowance", kind: ticket.KindInquiry, to: "dept-minzheng",
		titles: []string{"咨询高龄补贴如何申领"},
		body:   "{relation}今年刚满80岁，听说有高龄补贴，想了解需要什么条件、到哪里申请、每个月能领多少。",
		answer: "已告知来电人：年满80周岁的本地户籍老人可申领高龄补贴，由本人或家属携带身份证、户口簿和银行卡到户籍所在社区申请，审核通过后按月发放，具体标准以当年政策为准。",
		reply: []string{
			"区民政局已电话联系来电人，告知了高龄补贴申领条件和标准，并通知{community}工作人员上门为老人办理了申请。",
		},
		where: nowhere, weight: 2},
	{cat: "civil.elderly.homecare", kind: ticket.KindHelp, to: "dept-minzheng",
		titles: []string{"失能老人申请家庭照护床位"},
		body:   "家里{relation}{age}岁，去年中风后一直卧床，家里只有老伴一个人照顾，想了解能不能申请家庭照护床位和上门护理服务。",
		reply: []string{
			"区民政局已安排评估人员上门对老人进行了能力评估，老人符合家庭照护床位条件，已安装护理床、扶手等设施，养老服务机构每周上门提供{times}次护理服务。",
		},
		where: atHome, weight: 1},
	{cat: "civil.assist.dibao", kind: ticket.KindHelp, to: toStreet, wrong: "dept-minzheng",
		titles: []string{"家庭生活困难想申请低保"},
		body:   "丈夫去年因病去世，自己没有固定工作，一个人带两个孩子上学，家里生活很困难，想了解怎么申请最低生活保障。",
		reply: []string{
			"{hunit}社会救助工作人员已入户走访，指导来电人提交了低保申请材料，目前已进入家庭经济状况核对程序。审批期间，街道已为其发放临时救助金，并链接慈善资源为孩子申请了助学帮扶。",
		},
		where: atHome, weight: 2},
	{cat: "civil.assist.temporary", kind: ticket.KindHelp, to: toStreet,
		titles: []string{"家中突遭火灾，请求临时救助"},
		body:   "前几天家里因为电线老化着了火，屋里的东西基本都烧没了，一家人暂时借住在亲戚家，请求政府给予临时救助。",
		reply: []string{
			"{hunit}工作人员已上门核实受灾情况，为来电人家庭办理了临时救助，发放了救助金和被褥、米面油等生活物资，并协调物业对房屋电路进行了检修。",
		},
		where: atHome, weight: 1},
	{cat: "civil.disability.subsidy", kind: ticket.KindComplaint, to: "dept-canlian", wrong: "dept-minzheng",
		titles: []string{"重度残疾人护理补贴没有按时发放"},
		body:   "家里{relation}是一级肢体残疾，以前每个月都能收到护理补贴，最近{months}个月都没有到账，到社区问也说不清楚。",
		reply: []string{
			"区残联经核查，来电人{relation}的补贴因年度资格复核时银行账户信息变更未及时更新导致发放中断。已更新账户信息，并于本月补发了全部未发补贴。",
		},
		where: nowhere, weight: 1},
	{cat: "civil.disability.aids", kind: ticket.KindHelp, to: "dept-canlian",
		titles: []string{"残疾人申请适配轮椅"},
		body:   "{relation}腿部残疾多年，原来的轮椅已经坏了，想了解残联能不能免费适配轮椅，需要什么手续。",
		reply: []string{
			"区残联已安排工作人员上门评估，为来电人{relation}免费适配了轮椅和助行器，并讲解了使用和保养方法。",
		},
		where: atHome, weight: 1},

	// 市场监管
	{cat: "market.food.expired", kind: ticket.KindReport, to: "dept-shichang",
		titles: []string{"{shop}销售过期食品"},
		body:   "前天在{road}的{shop}买的酸奶和面包都已经过了保质期，找店家退换被拒绝，怀疑这家店长期销售过期食品，请求查处。",
		reply: []string{
			"区市场监管局执法人员对{shop}进行了现场检查，查见部分超过保质期的食品，已依法下架销毁并立案调查，同时督促店家为来电人办理了退货和赔偿。",
		},
		where: atRoad, weight: 2},
	{cat: "market.food.restaurant", kind: ticket.KindComplaint, to: "dept-shichang",
		titles: []string{"{restaurant}卫生条件差，就餐后腹泻"},
		body:   "昨天中午在{road}的{restaurant}吃饭，从门口就能看到后厨，卫生很差，一家三口吃完都拉肚子，找店家理论态度很不好。",
		reply: []string{
			"区市场监管局执法人员对{restaurant}进行了现场检查，发现后厨存在生熟不分、餐具消毒不到位等问题，已责令立即整改并依法处罚，同时调解店家向来电人退还餐费并承担医药费。",
		},
		where: atRoad, weight: 2},
	{cat: "market.price.marking", kind: ticket.KindComplaint, to: "dept-shichang",
		titles: []string{"{market}蔬菜价格偏高且不明码标价"},
		body:   "{market}里有几个摊位不挂价格牌，问价时看人要价，同样的菜比旁边摊位贵了一倍，希望加强价格监管。",
		reply: []string{
			"区市场监管局对{market}进行了检查，对{n}户未明码标价的经营者责令整改，要求市场开办方统一制作价格公示牌，并在市场入口设置了公平秤和投诉公示牌。",
		},
		where: nowhere, weight: 1},
	{cat: "market.price.gouging", kind: ticket.KindReport, to: "dept-shichang",
		titles: []string{"药店口罩和退烧药价格大幅上涨"},
		body:   "{road}附近几家药店的退烧药和口罩价格一周内涨了一倍多，怀疑哄抬物价，希望查处。",
		reply: []string{
			"区市场监管局对{road}沿线药店进行了价格检查，对{n}家涨价幅度明显的药店进行了提醒告诫，其中一家存在价格违法行为，已依法立案调查。",
		},
		where: atRoad, weight: 1},
	{cat: "market.quality.fake", kind: ticket.KindReport, to: "dept-shichang",
		titles: []string{"举报{road}烟酒店销售假冒白酒"},
		body:   "在{road}{no}号一家烟酒店买的两瓶名牌白酒，喝起来味道不对，包装也比正品粗糙，怀疑是假酒。",
		reply: []string{
			"区市场监管局执法人员对该烟酒店进行了检查，现场查扣涉嫌假冒白酒{n}瓶，已送检并立案调查，同时督促店家为来电人退货。",
		},
		where: atRoad, weight: 1},

	// 公共安全
	{cat: "safety.fire.ebike", kind: ticket.KindComplaint, to: toStreet, wrong: "dept-yingji",
		titles: []string{"{estate}楼道内电动车飞线充电"},
		body:   "{estate}{bldg}号楼有住户从窗户拉电线到楼道里给电动车充电，楼道里还堆了很多纸箱杂物，一旦着火后果不堪设想，希望有关部门处理。",
		reply: []string{
			"{hunit}联合物业对{estate}开展了消防安全检查，清理楼道杂物{n}处，拆除私拉电线，并对住户进行了消防安全宣传。已协调物业在小区内增设电动车集中充电桩。",
		},
		where: atHome, weight: 3, patrol: true},
	{cat: "safety.fire.passage", kind: ticket.KindComplaint, to: "dept-yingji", wrong: "dept-gongan",
		titles: []string{"{estate}消防通道被长期占用"},
		body:   "{estate}的消防通道长期停满了私家车，还有人在通道上搭了车棚，万一发生火灾消防车根本进不来。",
		reply: []string{
			"区应急管理局会同{street}和物业公司对{estate}消防通道进行了清理，拆除了违规车棚，施划了消防通道标线并设置了禁停标识，物业已安排专人巡查。",
		},
		where: atEstate, weight: 1, patrol: true},
	{cat: "safety.order.disturbance", kind: ticket.KindComplaint, to: "dept-gongan",
		titles: []string{"{road}烧烤摊深夜喝酒喧哗"},
		body:   "{road}{no}号附近的几家烧烤摊每天营业到凌晨两三点，经常有人喝酒划拳、大声喧哗，有时还打架，周边居民晚上无法休息。",
		reply: []string{
			"区公安分局会同城管部门对{road}夜间烧烤摊进行了整治，责令经营者夜里12点前停止营业并将经营区域移入店内，辖区派出所已加强夜间巡逻。",
		},
		where: atRoad, weight: 2, season: warm},
	{cat: "safety.order.fraud", kind: ticket.KindReport, to: "dept-gongan",
		titles: []string{"老人接到冒充医保局的诈骗电话"},
		body:   "家里{relation}今天接到一个自称医保局的电话，说医保卡被冻结，要求把钱转到所谓的安全账户，幸好被家人发现没有被骗，希望警方查处并加强宣传。",
		reply: []string{
			"区公安分局已对来电人提供的诈骗号码进行了研判和封停处理，辖区派出所民警已到{community}开展反诈宣传，提醒老年人不要向陌生账户转账。",
		},
		where: nowhere, weight: 1},
	{cat: "safety.animal.stray", kind: ticket.KindComplaint, to: "dept-chengguan", wrong: "dept-gongan",
		titles: []string{"{community}流浪狗成群，追咬行人"},
		body:   "{community}{estate}附近最近有五六条流浪狗聚在一起，晚上经常追着行人叫，已经有小孩被吓哭了，担心有人被咬伤，希望有关部门收容处理。",
		reply: []string{
			"区城管局会同犬只收容人员对{estate}周边流浪犬进行了抓捕收容，共收容{n}只，并在小区张贴文明养犬倡议，提醒居民不随意投喂流浪犬。",
		},
		where: atEstate, weight: 3, patrol: true},
	{cat: "safety.animal.leash", kind: ticket.KindComplaint, to: toCommunity,
		titles: []string{"{estate}居民遛狗不拴绳"},
		body:   "{estate}有好几户养大型犬的居民遛狗不拴绳，狗在小区里乱跑，还随地大小便，老人孩子都害怕，和主人说了也不听。",
		reply: []string{
			"{hunit}联合物业在{estate}开展了文明养犬宣传，入户告知养犬居民遛狗必须拴绳、及时清理粪便，并将反复违规的情况通报公安部门依法处理。",
		},
		where: atEstate, weight: 2},
	{cat: "safety.hazard.tree", kind: ticket.KindHelp, to: "dept-chengguan",
		titles: []string{"{road}大树被风刮倒压住人行道"},
		body:   "昨晚刮大风，{road}{no}号附近一棵大树被刮倒了，横在人行道上，还压着一根电线，行人只能绕到机动车道上走，非常危险。",
		reply: []string{
			"区城管局园林养护人员接件后与供电公司一同到场，先行切断电源，清理了倒伏树木并修复了线路，同时对该路段其他行道树进行了安全排查。",
		},
		where: atRoad, weight: 1, season: spring, urgent: 0.4, crit: 0.15, patrol: true},
	{cat: "safety.hazard.falling", kind: ticket.KindComplaint, to: toCommunity,
		titles: []string{"{estate}高空抛物险些砸到人"},
		body:   "{estate}{bldg}号楼经常有人从楼上往下扔垃圾，今天早上一个花盆从楼上掉下来，差点砸到楼下的孩子，希望查清是哪户并加强管理。",
		reply: []string{
			"{hunit}会同物业和辖区派出所调取了监控，确认了抛物住户并对其进行了批评教育，当事人已写下保证书。社区已协调物业在该楼加装高空抛物监控摄像头。",
		},
		where: atHome, weight: 1},

	// 矛盾纠纷
	{cat: "dispute.neighbour.leak", kind: ticket.KindHelp, to: toCommunity,
		titles: []string{"楼上住户漏水，多次协商无果"},
		body:   "家住{estate}{bldg}号楼{room}室，楼上住户卫生间漏水，自家天花板发霉、墙皮大片脱落。多次上门协商，楼上住户一直不配合维修，希望社区出面调解。",
		reply: []string{
			"{hunit}组织网格员和物业人员上门查看，确认漏水源为楼上卫生间防水层老化。经社区人民调解员调解，双方达成协议：楼上住户负责重做卫生间防水，并补偿来电人墙面修复费用。",
		},
		where: atHome, weight: 2},
	{cat: "dispute.neighbour.noise", kind: ticket.KindComplaint, to: toCommunity,
		titles: []string{"楼上住户深夜噪音影响休息"},
		body:   "家住{estate}{bldg}号楼，楼上住户每天{hour}以后还在拖桌椅、小孩跑跳，声音很大，敲门沟通过几次都没有改善，家里老人心脏不好，长期休息不好。",
		reply: []string{
			"{hunit}网格员和调解员分别上门与双方沟通，楼上住户表示将在家中铺设地垫、晚10点后注意控制声音。社区将持续跟进，必要时组织双方面对面调解。",
		},
		where: atHome, weight: 2},
	{cat: "dispute.family.support", kind: ticket.KindHelp, to: toCommunity,
		titles: []string{"子女不履行赡养义务，老人求助"},
		body:   "{age}岁的独居老人，有三个子女，但都不管老人的生活，老人生病也没人送医，每月只靠一点养老金过日子，希望社区帮忙协调。",
		reply: []string{
			"{hunit}组织人民调解员召集老人子女进行了调解，讲解了赡养义务的法律规定，三名子女达成赡养协议，约定轮流照顾老人并每月支付赡养费。社区将定期回访协议履行情况。",
		},
		where: atHome, weight: 1},

	// 政务服务
	{cat: "gov.praise.staff", kind: ticket.KindPraise, to: toCommunity,
		titles: []string{"表扬{community}网格员{worker}热心服务"},
		body:   "自己是{estate}的独居老人，腿脚不便，网格员{worker}经常上门看望，帮忙买菜取药、代缴水电费，前几天还帮忙找人修好了家里的水管，特意打电话表示感谢，希望对其进行表扬。",
		answer: "已详细记录来电人对网格员{worker}的表扬，将转交{community}。感谢来电人对社区工作的肯定。",
		reply: []string{
			"{hunit}已将来电人的表扬转达{worker}本人，并在社区工作例会上进行了通报表扬。感谢您对社区工作的肯定，我们将继续做好为民服务工作。",
		},
		where: atEstate, weight: 2},
	{cat: "gov.praise.unit", kind: ticket.KindPraise, to: toStreet,
		titles: []string{"感谢{street}帮助老楼加装电梯"},
		body:   "{estate}是二十多年的老楼，老人上下楼很困难，{street}和社区工作人员多次上门做工作、协调各户意见，帮小区{n}个单元加装了电梯，居民们非常感谢。",
		answer: "已记录来电人的感谢，将转达{street}。感谢来电人对基层工作的支持。",
		reply: []string{
			"{hunit}已收到来电人的感谢，将继续推进辖区老旧小区加装电梯工作，让更多老年人出行更方便。",
		},
		where: atEstate, weight: 1},
	{cat: "gov.praise.unit", kind: ticket.KindPraise, to: "util-heat",
		titles: []string{"表扬供热公司维修师傅连夜抢修"},
		body:   "前天晚上家里暖气管道漏水，打了供热公司的电话，维修师傅{name}半个小时就到了，一直干到夜里十二点多才修好，服务态度也很好，特别提出表扬。",
		answer: "已记录来电人对供热公司维修人员{name}的表扬，将转达供热公司。",
		reply: []string{
			"供热公司已将来电人的表扬转达维修人员{name}，并在公司内部进行了通报表扬。感谢您对供热工作的支持。",
		},
		where: atHome, weight: 1, season: heating},
	{cat: "gov.service.procedure", kind: ticket.KindComplaint, to: toStreet,
		titles: []string{"到{street}便民服务中心办事多次跑腿"},
		body:   "为了给{relation}办理养老资格认证，到{street}便民服务中心跑了三次，每次都说材料不全，但每次要的材料都不一样，希望一次性告知。",
		reply: []string{
			"{hunit}已核实情况，对相关窗口工作人员进行了批评教育，并在便民服务中心公示了各类事项办理材料清单，落实一次性告知制度。工作人员已上门为来电人{relation}完成了认证。",
		},
		where: nowhere, weight: 1},
	{cat: "gov.policy.residence", kind: ticket.KindInquiry, to: "dept-gongan",
		titles: []string{"咨询居住证办理流程"},
		body:   "外地户口，在{community}租房住了一年多，想办理居住证方便孩子上学，想了解需要什么材料、在哪里办理。",
		answer: "已告知来电人：在居住地居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可凭身份证、居住证明等材料到居住地派出所或政务服务平台申领居住证。来电人表示清楚。",
		reply: []string{
			"区公安分局已电话告知来电人，可携带身份证、租房合同和照片到辖区派出所户籍窗口申领居住证，材料齐全的当场受理。",
		},
		where: nowhere, weight: 3},
}

// noise are the calls that are no request at all (无效件), with what the
// agent notes as the reason.
var noise = []struct{ title, body, reason string }{
	{"无声来电", "来电接通后无人说话，坐席多次询问均无应答，约一分钟后来电挂断。", "无声电话：接通后无人应答，无有效诉求。"},
	{"测试来电", "来电人称是在测试电话线路是否畅通，无具体诉求。", "测试来电，无具体诉求。"},
	{"来电人拨错号码", "来电人要找一家快递公司，得知是政府热线后挂断。", "来电人拨错号码，无有效诉求。"},
	{"重复骚扰来电", "来电人情绪激动，反复辱骂坐席，未能说明具体诉求。", "骚扰来电：来电人辱骂坐席，无具体诉求。"},
	{"咨询非本区事项", "来电人询问外省某景区门票价格，已告知应向当地咨询。", "非本区受理范围且无需办理。"},
}
