package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/calendar"
)

// Word lists that fill the slots of the request texts.
var (
	surnames = []string{"马", "李", "王", "张", "韩", "赵", "刘", "陈", "杨", "祁", "冶", "鲁", "朱", "孙", "周", "吴", "徐", "何", "郭", "罗", "胡", "高", "林", "沈", "魏", "苏", "铁", "喇", "蔡", "谈"}
	givens   = []string{"秀兰", "建国", "玉梅", "海燕", "志强", "桂英", "永福", "明", "丽", "晓东", "春花", "国庆", "德福", "淑珍", "红梅", "文斌", "金花", "成林", "小军", "学军", "艳", "芳", "静", "伟", "磊", "海龙", "玉兰", "忠孝", "生广", "振邦", "晓红", "福海", "秀英", "建华", "雪梅", "鹏", "娟", "宏", "军", "凤英"}
	// Tibetan and Tu names are whole names.
	wholeNames = []string{"才让卓玛", "索南多杰", "拉毛吉", "更登", "多杰才让", "卓玛措", "尼玛", "桑杰"}
	mobiles    = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159", "173", "177", "180", "181", "186", "187", "189", "199"}
	relations  = []string{"父亲", "母亲", "老伴", "婆婆", "公公", "岳母"}
	kins       = []string{"父亲", "母亲", "爱人", "儿子", "女儿", "老伴"}
	diseases   = []string{
		"做过肾移植手术，需要长期服用抗排异药物",
		"患有帕金森病，每天都要按时服药",
		"患有癫痫，需要长期服用抗癫痫药物",
		"患有肺动脉高压，一直在服用靶向药物",
		"患有精神分裂症，需要长期规律服药",
		"患有血友病，需要定期注射凝血因子",
	}
	hospitals   = []string{"区人民医院", "市第一人民医院", "市第二人民医院", "省人民医院", "市中医院"}
	schools     = []string{"文逸小学", "文苑小学", "海湖路小学", "兴海路小学", "胜利路小学", "虎台小学", "西关街小学", "城西区实验小学"}
	kinders     = []string{"文苑幼儿园", "海湖幼儿园", "虎台幼儿园", "城西区第一幼儿园", "西关街幼儿园"}
	shops       = []string{"鑫源超市", "惠民便利店", "佳佳乐超市", "百姓平价超市", "家福便利店", "好邻居超市"}
	restaurants = []string{"马记炒面片馆", "河湟人家餐厅", "韩记手抓羊肉馆", "川味小炒店", "张记烤串店", "清真牛肉面馆"}
	gyms        = []string{"力美健身房", "悦动游泳健身馆", "童乐早教中心", "丽人美容院", "星光舞蹈培训班"}
	companies   = []string{"宏达建筑劳务公司", "鑫盛装饰工程公司", "恒通市政工程公司", "永安钢结构公司", "顺达保温工程公司"}
	sites       = []string{"锦华苑住宅项目", "城西商业综合体项目", "安置房二期项目", "地下综合管廊工程", "学校扩建工程", "雅居园住宅项目"}
	markets     = []string{"海湖农贸市场", "虎台农贸市场", "西关农贸市场", "胜利路菜市场", "文汇路农贸市场"}
	buses       = []string{"1", "2", "9", "12", "16", "22", "26", "31", "33", "37", "41", "52", "58", "63", "71", "82"}
	nightHours  = []string{"晚上11点", "夜里12点", "凌晨1点", "凌晨一两点"}
	evenings    = []string{"晚上8点", "晚上8点半", "晚上9点"}
	cards       = []string{"1980", "2680", "3600", "4800", "5880"}
)

// pick returns a random element.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between returns a random integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// personName makes a resident's name.
func personName(r *rand.Rand) string {
	if r.IntN(25) == 0 {
		return pick(r, wholeNames)
	}
	return pick(r, surnames) + pick(r, givens)
}

// phoneNumber makes a fake mobile number, or now and then a Xining
// landline.
func phoneNumber(r *rand.Rand) string {
	if r.IntN(10) == 0 {
		return fmt.Sprintf("0971-6%06d", r.IntN(1_000_000))
	}
	return pick(r, mobiles) + fmt.Sprintf("%08d", r.IntN(100_000_000))
}

// slotKeys lists the slots in a fixed order, so that filling is
// deterministic.
var slotKeys = []string{
	"street", "community", "road", "road2", "no", "estate", "bldg", "dy", "room", "floor", "high",
	"days", "n", "n2", "times", "worker", "name", "school", "kinder", "shop", "restaurant", "gym",
	"company", "site", "market", "amount", "card", "bill", "fee1", "fee2", "fee3", "months", "month",
	"year", "years", "years2", "age", "age2", "bus", "hour", "evening", "relation", "kin", "disease",
	"hospital", "temp", "mins", "plate", "hunit",
}

// newSlots draws a value for every slot for a request made at t in
// community c. The handling unit ({hunit}) is set later.
func newSlots(r *rand.Rand, t time.Time, c *community) map[string]string {
	itoa := strconv.Itoa
	roads := c.street.def.roads
	ri := r.IntN(len(roads))
	months := between(r, 2, 6)
	month := (int(t.In(calendar.China).Month())-months+11)%12 + 1
	years := between(r, 3, 9)
	fee1 := 1.2 + 0.1*float64(r.IntN(5))
	floor := between(r, 2, 18)
	s := map[string]string{
		"street":     c.street.unit.Name,
		"community":  c.unit.Name,
		"road":       roads[ri],
		"road2":      roads[(ri+1+r.IntN(len(roads)-1))%len(roads)],
		"no":         itoa(between(r, 1, 260)),
		"estate":     pick(r, c.def.estates),
		"bldg":       itoa(between(r, 1, 24)),
		"dy":         itoa(between(r, 1, 4)),
		"room":       fmt.Sprintf("%d0%d", between(r, 1, 7), between(r, 1, 4)),
		"floor":      itoa(floor),
		"high":       itoa(between(r, 14, 28)),
		"days":       itoa(between(r, 2, 7)),
		"n":          itoa(between(r, 2, 6)),
		"n2":         itoa(between(r, 4, 12) * 10),
		"times":      itoa(between(r, 2, 3)),
		"worker":     personName(r),
		"name":       pick(r, surnames) + "师傅",
		"school":     pick(r, schools),
		"kinder":     pick(r, kinders),
		"shop":       pick(r, shops),
		"restaurant": pick(r, restaurants),
		"gym":        pick(r, gyms),
		"company":    pick(r, companies),
		"site":       pick(r, sites),
		"market":     pick(r, markets),
		"amount":     itoa(months * between(r, 40, 90) * 100), // the wages of {months} months
		"card":       pick(r, cards),
		"bill":       itoa(between(r, 32, 88) * 10),
		"fee1":       strconv.FormatFloat(fee1, 'f', 1, 64),
		"fee2":       strconv.FormatFloat(fee1+0.3+0.1*float64(r.IntN(6)), 'f', 1, 64),
		"fee3":       itoa(between(r, 12, 38) * 10),
		"months":     itoa(months),
		"month":      itoa(month),
		"year":       itoa(t.In(calendar.China).Year() - years),
		"years":      itoa(years),
		"years2":     itoa(between(r, 5, 14)),
		"age":        itoa(between(r, 68, 93)),
		"age2":       itoa(between(r, 38, 56)),
		"bus":        pick(r, buses),
		"hour":       pick(r, nightHours),
		"evening":    pick(r, evenings),
		"relation":   pick(r, relations),
		"kin":        pick(r, kins),
		"disease":    pick(r, diseases),
		"hospital":   pick(r, hospitals),
		"temp":       itoa(between(r, 11, 16)),
		"mins":       itoa(between(r, 15, 40)),
		"plate":      fmt.Sprintf("T%04d", r.IntN(10000)),
		"hunit":      "",
	}
	return s
}

// replacer returns a replacer of every {slot} by its value.
func replacer(s map[string]string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(slotKeys))
	for _, k := range slotKeys {
		pairs = append(pairs, "{"+k+"}", s[k])
	}
	return strings.NewReplacer(pairs...)
}
