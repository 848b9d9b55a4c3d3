package demo

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/ticket"
)

// catDef is a category with its children. A child's code starts with its
// parent's code and a dot.
type catDef struct {
	code, name, en string
	kids           []catDef
}

// node is shorthand for the category table below.
func node(code, name, en string, kids ...catDef) catDef { return catDef{code, name, en, kids} }

// categoryTree is the three-level classification of requests (诉求分类)
// that the hotline files every ticket under.
var categoryTree = []catDef{
	node("city", "城乡建设", "Urban and rural construction",
		node("city.property", "物业管理", "Property management",
			node("city.property.elevator", "电梯运行", "Elevators"),
			node("city.property.service", "物业服务", "Property services"),
			node("city.property.fee", "物业收费", "Property fees")),
		node("city.heating", "供暖", "Heating",
			node("city.heating.cold", "室温不达标", "Rooms not warm enough"),
			node("city.heating.leak", "暖气漏水", "Heating pipe leaks"),
			node("city.heating.fee", "供暖收费", "Heating charges")),
		node("city.renewal", "老旧小区改造", "Old estate renewal",
			node("city.renewal.progress", "改造进度", "Progress of works"),
			node("city.renewal.quality", "施工质量", "Quality of works")),
		node("city.housing", "房屋管理", "Housing",
			node("city.housing.title", "不动产办证", "Property titles"),
			node("city.housing.leak", "房屋渗漏", "Leaking roofs and walls"),
			node("city.housing.expropriation", "征收补偿", "Expropriation and compensation"))),
	node("utility", "公用事业", "Public utilities",
		node("utility.water", "供水", "Water supply",
			node("utility.water.outage", "停水", "Water outages"),
			node("utility.water.quality", "水质异常", "Water quality"),
			node("utility.water.pressure", "水压不足", "Low water pressure")),
		node("utility.power", "供电", "Power supply",
			node("utility.power.outage", "停电", "Power cuts"),
			node("utility.power.meter", "电费电表", "Electricity bills and meters")),
		node("utility.gas", "燃气", "Gas",
			node("utility.gas.connect", "开户通气", "New gas connections"),
			node("utility.gas.leak", "燃气泄漏", "Gas leaks"))),
	node("urban", "城市管理", "City management",
		node("urban.sanitation", "环境卫生", "Sanitation",
			node("urban.sanitation.garbage", "垃圾清运", "Garbage collection"),
			node("urban.sanitation.toilet", "公共厕所", "Public toilets"),
			node("urban.sanitation.snow", "积雪清扫", "Snow clearing")),
		node("urban.facility", "市政设施", "Municipal facilities",
			node("urban.facility.road", "道路破损", "Damaged roads"),
			node("urban.facility.light", "路灯照明", "Street lights"),
			node("urban.facility.manhole", "井盖缺失", "Missing manhole covers")),
		node("urban.order", "市容秩序", "Street order",
			node("urban.order.vendor", "占道经营", "Street vendors"),
			node("urban.order.building", "违法建设", "Illegal construction"),
			node("urban.order.ads", "户外广告", "Outdoor advertising"))),
	node("env", "环境保护", "Environmental protection",
		node("env.noise", "噪声污染", "Noise",
			node("env.noise.construction", "施工噪声", "Construction noise"),
			node("env.noise.commercial", "商业噪声", "Commercial noise")),
		node("env.air", "大气污染", "Air pollution",
			node("env.air.dust", "扬尘污染", "Dust"),
			node("env.air.fumes", "餐饮油烟", "Cooking fumes"),
			node("env.air.burning", "露天焚烧", "Open burning")),
		node("env.water", "水污染", "Water pollution",
			node("env.water.sewage", "污水排放", "Sewage discharge"),
			node("env.water.river", "河道污染", "River pollution"))),
	node("traffic", "交通运输", "Transport",
		node("traffic.parking", "停车管理", "Parking",
			node("traffic.parking.illegal", "违法停车", "Illegal parking"),
			node("traffic.parking.spaces", "停车位", "Parking spaces")),
		node("traffic.bus", "公共交通", "Public transport",
			node("traffic.bus.route", "线路站点", "Routes and stops"),
			node("traffic.bus.service", "公交服务", "Bus service")),
		node("traffic.taxi", "出租车", "Taxis",
			node("traffic.taxi.refusal", "拒载绕路", "Refusal and detours"),
			node("traffic.taxi.fare", "违规收费", "Overcharging")),
		node("traffic.road", "道路交通", "Road traffic",
			node("traffic.road.signal", "信号灯", "Traffic lights"),
			node("traffic.road.jam", "交通拥堵", "Congestion"))),
	node("edu", "教育文体", "Education, culture and sports",
		node("edu.enrol", "招生入学", "Enrolment",
			node("edu.enrol.primary", "小学入学", "Primary school places"),
			node("edu.enrol.kindergarten", "幼儿园入园", "Kindergarten places")),
		node("edu.school", "学校管理", "School management",
			node("edu.school.fees", "违规收费", "Improper fees"),
			node("edu.school.tutoring", "校外培训", "Private tutoring")),
		node("edu.culture", "文体设施", "Culture and sports facilities",
			node("edu.culture.fitness", "健身器材", "Fitness equipment"),
			node("edu.culture.venue", "文体场馆", "Venues and libraries"))),
	node("labour", "劳动和社会保障", "Labour and social security",
		node("labour.wage", "劳动报酬", "Pay",
			node("labour.wage.arrears", "拖欠工资", "Unpaid wages"),
			node("labour.wage.contract", "劳动合同", "Labour contracts")),
		node("labour.insurance", "社会保险", "Social insurance",
			node("labour.insurance.pension", "养老保险", "Pensions"),
			node("labour.insurance.medical", "医疗保险", "Medical insurance"),
			node("labour.insurance.unemployment", "失业保险", "Unemployment insurance")),
		node("labour.employment", "就业创业", "Jobs and business start-ups",
			node("labour.employment.jobs", "求职招聘", "Job seeking"),
			node("labour.employment.training", "技能培训", "Skills training"),
			node("labour.employment.loan", "创业贷款", "Start-up loans"))),
	node("health", "卫生计生", "Health",
		node("health.medical", "医疗服务", "Medical services",
			node("health.medical.attitude", "服务态度", "Staff attitude"),
			node("health.medical.fees", "医疗收费", "Medical fees")),
		node("health.drug", "药品供应", "Medicines",
			node("health.drug.special", "特殊用药", "Special medicines"),
			node("health.drug.chronic", "慢病用药", "Medicines for chronic illness")),
		node("health.public", "公共卫生", "Public health",
			node("health.public.vaccine", "预防接种", "Vaccination"),
			node("health.public.birth", "生育服务", "Birth registration and childcare"))),
	node("commerce", "商贸旅游", "Commerce and tourism",
		node("commerce.consumer", "消费纠纷", "Consumer disputes",
			node("commerce.consumer.prepaid", "预付卡退费", "Prepaid cards"),
			node("commerce.consumer.refund", "退换货", "Returns and refunds")),
		node("commerce.market", "农贸市场", "Farmers' markets",
			node("commerce.market.hygiene", "市场环境", "Market hygiene"),
			node("commerce.market.scales", "缺斤短两", "Short weight")),
		node("commerce.tourism", "旅游服务", "Tourism",
			node("commerce.tourism.scenic", "景区服务", "Scenic spots"),
			node("commerce.tourism.guide", "导游服务", "Tour guides"))),
	node("civil", "民政", "Civil affairs",
		node("civil.elderly", "养老服务", "Care for the elderly",
			node("civil.elderly.homecare", "居家养老", "Home care"),
			node("civil.elderly.canteen", "老年食堂", "Canteens for the elderly"),
			node("civil.elderly.allowance", "高龄补贴", "Old-age allowance")),
		node("civil.assist", "社会救助", "Social assistance",
			node("civil.assist.dibao", "低保", "Minimum living allowance"),
			node("civil.assist.temporary", "临时救助", "Emergency assistance")),
		node("civil.disability", "残疾人服务", "Services for the disabled",
			node("civil.disability.subsidy", "残疾人补贴", "Disability allowances"),
			node("civil.disability.aids", "辅具适配", "Assistive devices")),
		node("civil.help", "急难求助", "Urgent help",
			node("civil.help.ride", "就医出行", "Rides to hospital"),
			node("civil.help.supplies", "生活物资", "Daily necessities"))),
	node("market", "市场监管", "Market regulation",
		node("market.food", "食品安全", "Food safety",
			node("market.food.expired", "过期食品", "Expired food"),
			node("market.food.restaurant", "餐饮卫生", "Restaurant hygiene")),
		node("market.price", "价格监管", "Prices",
			node("market.price.gouging", "哄抬价格", "Price gouging"),
			node("market.price.marking", "明码标价", "Price marking")),
		node("market.quality", "产品质量", "Product quality",
			node("market.quality.fake", "假冒伪劣", "Counterfeit goods"),
			node("market.quality.equipment", "特种设备", "Special equipment"))),
	node("safety", "公共安全", "Public safety",
		node("safety.fire", "消防安全", "Fire safety",
			node("safety.fire.ebike", "电动车充电", "E-bike charging"),
			node("safety.fire.passage", "消防通道", "Fire lanes")),
		node("safety.order", "社会治安", "Public order",
			node("safety.order.disturbance", "寻衅滋事", "Disturbances"),
			node("safety.order.fraud", "电信诈骗", "Phone and online fraud")),
		node("safety.animal", "动物管理", "Animals",
			node("safety.animal.stray", "流浪犬", "Stray dogs"),
			node("safety.animal.leash", "文明养犬", "Dogs off the leash")),
		node("safety.hazard", "安全隐患", "Hazards",
			node("safety.hazard.tree", "树木倒伏", "Falling trees"),
			node("safety.hazard.falling", "高空坠物", "Falling objects"))),
	node("dispute", "矛盾纠纷", "Disputes",
		node("dispute.neighbour", "邻里纠纷", "Neighbours",
			node("dispute.neighbour.leak", "楼上漏水", "Leaks from upstairs"),
			node("dispute.neighbour.noise", "邻里噪音", "Noisy neighbours")),
		node("dispute.family", "家庭纠纷", "Family",
			node("dispute.family.support", "赡养纠纷", "Support of parents"),
			node("dispute.family.inheritance", "继承纠纷", "Inheritance"))),
	node("gov", "政务服务", "Government services",
		node("gov.praise", "表扬感谢", "Praise",
			node("gov.praise.staff", "表扬工作人员", "Praise for staff"),
			node("gov.praise.unit", "表扬单位", "Praise for a unit")),
		node("gov.service", "办事服务", "Public services",
			node("gov.service.conduct", "工作作风", "Conduct of staff"),
			node("gov.service.procedure", "办事流程", "Procedures")),
		node("gov.policy", "政策咨询", "Policy questions",
			node("gov.policy.residence", "户籍居住证", "Household and residence permits"),
			node("gov.policy.other", "其他政策", "Other policies"))),
}

// createCategories makes the category tree and returns the categories by code.
func createCategories(ctx context.Context, svc *app.Service) (map[string]*ticket.Category, error) {
	out := map[string]*ticket.Category{}
	var walk func(parent int64, defs []catDef) error
	walk = func(parent int64, defs []catDef) error {
		for _, d := range defs {
			cat, err := svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: parent, Code: d.code, Name: d.name, NameEN: d.en})
			if err != nil {
				return fmt.Errorf("category %s: %w", d.code, err)
			}
			out[d.code] = cat
			if err := walk(cat.ID, d.kids); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(0, categoryTree)
}
