package demo

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
)

// streetDef is a street (or the town) of the demo district with its
// communities and the roads that run through it.
type streetDef struct {
	code, name  string
	kind        org.UnitKind
	roads       []string
	communities []communityDef
}

// communityDef is a community (or, in the town, a village) with its housing
// estates and how many grids it is split into.
type communityDef struct {
	code, name string
	estates    []string
	grids      int
}

// streets are the streets of 城西区: the five named in the reference article
// first, then the others, then the town. The names of communities, roads and
// estates are made up to sound like the district.
var streets = []streetDef{
	{"xinghailu", "兴海路街道", org.KindStreet,
		[]string{"兴海路", "海湖路", "五四西路", "冷湖路"},
		[]communityDef{
			{"haihu", "海湖社区", []string{"海湖佳苑", "海湖新村", "湖景花园"}, 4},
			{"xinghai", "兴海社区", []string{"兴海家园", "兴海路东小区", "电建小区"}, 3},
			{"guanghua", "光华社区", []string{"光华苑", "供电局家属院", "光华里"}, 3},
			{"fuluxiang", "福禄巷社区", []string{"福禄花园", "福禄巷南小区", "金桥小区"}, 2},
		}},
	{"shenglilu", "胜利路街道", org.KindStreet,
		[]string{"胜利路", "黄河路", "公园巷", "西川南路"},
		[]communityDef{
			{"shengli", "胜利社区", []string{"胜利小区", "胜利路北院", "红光大院"}, 3},
			{"gongyuanxiang", "公园巷社区", []string{"公园巷小区", "园林家属院", "绿苑小区"}, 3},
			{"xinxi", "新西社区", []string{"新西小区", "西川苑"}, 2},
			{"huanghelu", "黄河路社区", []string{"黄河花园", "滨河小区", "河畔雅居"}, 3},
		}},
	{"tonghailu", "通海路街道", org.KindStreet,
		[]string{"通海路", "海晏路", "昆仑西路", "杨家巷"},
		[]communityDef{
			{"tonghai", "通海社区", []string{"通海小区", "通海佳园"}, 3},
			{"haiyan", "海晏社区", []string{"海晏路小区", "海晏新城"}, 4},
			{"sujiahewan", "苏家河湾社区", []string{"苏家河湾小区", "河湾家园"}, 2},
			{"kunbei", "昆北社区", []string{"昆北小区", "昆仑花园", "水电家属院"}, 3},
		}},
	{"hutai", "虎台街道", org.KindStreet,
		[]string{"虎台路", "文逸路", "新华巷", "虎台一巷"},
		[]communityDef{
			{"hutai", "虎台社区", []string{"虎台小区", "虎台新村"}, 3},
			{"wenyi", "文逸社区", []string{"文逸家园", "文逸小区", "书香苑"}, 3},
			{"xinhuaxiang", "新华巷社区", []string{"新华巷小区", "新华苑"}, 2},
			{"yangjiazhuang", "杨家庄社区", []string{"杨家庄小区", "杨家庄安置小区"}, 3},
		}},
	{"xiguandajie", "西关大街街道", org.KindStreet,
		[]string{"西关大街", "礼让街", "大同街", "麒麟路"},
		[]communityDef{
			{"xiguan", "西关社区", []string{"西关小区", "西关大街北院"}, 3},
			{"lirangjie", "礼让街社区", []string{"礼让街小区", "礼让苑"}, 2},
			{"datongjie", "大同街社区", []string{"大同街小区", "同心苑"}, 3},
			{"qilinwan", "麒麟湾社区", []string{"麒麟湾小区", "麒麟花园"}, 4},
		}},
	{"guchengtai", "古城台街道", org.KindStreet,
		[]string{"古城台路", "昆仑中路", "青年巷", "西交通巷"},
		[]communityDef{
			{"guchengtai", "古城台社区", []string{"古城台小区", "台地花园"}, 3},
			{"kunlun", "昆仑社区", []string{"昆仑小区", "昆仑苑"}, 3},
			{"qingnianxiang", "青年巷社区", []string{"青年巷小区", "青年公寓"}, 2},
		}},
	{"wenhuilu", "文汇路街道", org.KindStreet,
		[]string{"文汇路", "文景街", "文景南街", "文苑路"},
		[]communityDef{
			{"wenhui", "文汇社区", []string{"文汇小区", "文汇花园"}, 3},
			{"wenjing", "文景社区", []string{"文景苑", "文景家园"}, 3},
			{"wenyuan", "文苑社区", []string{"文苑小区", "文苑新居"}, 2},
		}},
	{"pengjiazhai", "彭家寨镇", org.KindTown,
		[]string{"彭家寨路", "汉庄路", "火西路"},
		[]communityDef{
			{"huoxi", "火西村", []string{"火西安置小区", "火西新村"}, 2},
			{"zhangjiawan", "张家湾村", []string{"张家湾新居", "湾畔家园"}, 2},
			{"hanzhuang", "汉庄村", []string{"汉庄佳苑", "汉庄村民小区"}, 3},
		}},
}

// deptDef is a department (职能部门) or a utility company that takes
// tickets of its field.
type deptDef struct{ code, name string }

// departments hang under the district beside the streets.
var departments = []deptDef{
	{"dept-zhujian", "区住建局"},
	{"dept-jiaoyu", "区教育局"},
	{"dept-weijian", "区卫健局"},
	{"dept-renshe", "区人社局"},
	{"dept-minzheng", "区民政局"},
	{"dept-chengguan", "区城管局"},
	{"dept-shichang", "区市场监管局"},
	{"dept-shengtai", "区生态环境局"},
	{"dept-jiaotong", "区交通运输局"},
	{"dept-gongan", "区公安分局"},
	{"dept-yibao", "区医保局"},
	{"dept-wenlv", "区文体旅游局"},
	{"dept-yingji", "区应急管理局"},
	{"dept-canlian", "区残联"},
	{"util-water", "供水公司"},
	{"util-power", "供电公司"},
	{"util-gas", "燃气公司"},
	{"util-heat", "供热公司"},
}

// gridNames names the grids of a community in order.
var gridNames = []string{"第一网格", "第二网格", "第三网格", "第四网格"}

// street is a created street with its communities and its area.
type street struct {
	unit        *org.Unit
	def         *streetDef
	communities []*community
	area        box
}

// community is a created community with its grids and its area.
type community struct {
	unit   *org.Unit
	def    *communityDef
	street *street
	grids  []*org.Unit
	area   box
}

// world is the organisation the tickets move through.
type world struct {
	district    *org.Unit
	streets     []*street
	communities []*community
	depts       map[string]*org.Unit // by code
	units       map[int64]*org.Unit
	handlers    map[int64]*org.User // handler of each unit that has one
	agents      []*org.User
	dispatchers []*org.User
	gridWorkers []*gridWorker
	admin       *org.User
	leader      *org.User // the district's leader, who supervises
}

// gridWorker is a grid worker with the grid and community they patrol.
type gridWorker struct {
	user      *org.User
	grid      *org.Unit
	community *community
}

// createUnits makes the unit tree: the district, its streets, communities
// and grids, and its departments.
func createUnits(ctx context.Context, svc *app.Service) (*world, error) {
	w := &world{depts: map[string]*org.Unit{}, units: map[int64]*org.Unit{}, handlers: map[int64]*org.User{}}
	mk := func(parent *org.Unit, kind org.UnitKind, code, name string) (*org.Unit, error) {
		var pid int64
		if parent != nil {
			pid = parent.ID
		}
		u, err := svc.CreateUnit(ctx, kit.System(), app.NewUnit{ParentID: pid, Kind: kind, Code: code, Name: name})
		if err != nil {
			return nil, fmt.Errorf("unit %s: %w", code, err)
		}
		w.units[u.ID] = u
		return u, nil
	}
	var err error
	if w.district, err = mk(nil, org.KindDistrict, "chengxi", "城西区"); err != nil {
		return nil, err
	}
	for si := range streets {
		sd := &streets[si]
		su, err := mk(w.district, sd.kind, sd.code, sd.name)
		if err != nil {
			return nil, err
		}
		s := &street{unit: su, def: sd, area: streetArea(si)}
		w.streets = append(w.streets, s)
		for ci := range sd.communities {
			cd := &sd.communities[ci]
			cu, err := mk(su, org.KindCommunity, sd.code+"-"+cd.code, cd.name)
			if err != nil {
				return nil, err
			}
			c := &community{unit: cu, def: cd, street: s, area: s.area.strip(ci, len(sd.communities))}
			for g := 0; g < cd.grids; g++ {
				gu, err := mk(cu, org.KindGrid, fmt.Sprintf("%s-%s-g%d", sd.code, cd.code, g+1), cd.name+gridNames[g])
				if err != nil {
					return nil, err
				}
				c.grids = append(c.grids, gu)
			}
			s.communities = append(s.communities, c)
			w.communities = append(w.communities, c)
		}
	}
	for _, d := range departments {
		u, err := mk(w.district, org.KindDepartment, d.code, d.name)
		if err != nil {
			return nil, err
		}
		w.depts[d.code] = u
	}
	return w, nil
}

// handlerFor returns the handler who acts for tickets of the unit: the
// handler of the unit itself or of the nearest unit above it.
func (w *world) handlerFor(u *org.Unit) *org.User {
	for u != nil {
		if h := w.handlers[u.ID]; h != nil {
			return h
		}
		u = w.units[u.ParentID]
	}
	return nil
}
