package demo

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// staffSurnames and staffGiven make the names of the staff who have no
// hand-picked name; the mix of surnames is Xining's (many 马, 韩, 冶, 祁).
var (
	staffSurnames = []string{"马", "李", "王", "张", "韩", "赵", "刘", "陈", "杨", "祁", "冶", "鲁", "朱", "孙", "周", "吴", "徐", "何", "郭", "罗", "胡", "谢", "沈", "魏"}
	staffGiven    = []string{"文斌", "晓梅", "海林", "玉珍", "建军", "丽华", "永红", "志远", "春燕", "国栋", "秀芳", "德明", "雪莲", "成龙", "淑琴", "小平", "红霞", "振华", "慧敏", "学东", "桂兰", "忠良", "晓霞", "明辉", "金凤", "少华", "艳玲", "占元"}
)

// staffName returns a name for the i-th staff member without a hand-picked one.
func staffName(i int) string {
	return staffSurnames[(i*7+3)%len(staffSurnames)] + staffGiven[(i*11+5)%len(staffGiven)]
}

// staffPhone is a staff member's work mobile, the same every time.
func staffPhone(u *org.User) string {
	return fmt.Sprintf("139%08d", mix(uint64(u.ID))%100_000_000)
}

// userDef is one user to create.
type userDef struct {
	username, name string
	role           org.Role
	unit           *org.Unit
	grid           *community // for grid workers: their community
}

// createUsers makes the demo users: one named after each staff role first, then
// more agents and dispatchers, a handler for every street and department, a
// grid worker for a grid of every community, and a street leader. It returns
// the usernames in that order.
func createUsers(ctx context.Context, svc *app.Service, w *world, hash string) ([]string, error) {
	xinghailu := w.streets[0]
	haihu := xinghailu.communities[0]
	defs := []userDef{
		{"admin", "祁海涛", org.RoleAdmin, w.district, nil},
		{"agent", "马晓燕", org.RoleAgent, w.district, nil},
		{"dispatcher", "李建华", org.RoleDispatcher, w.district, nil},
		{"handler", "韩玉梅", org.RoleHandler, xinghailu.unit, nil},
		{"grid_worker", "张永福", org.RoleGridWorker, haihu.grids[0], haihu},
		{"leader", "王志刚", org.RoleLeader, w.district, nil},
		{"mediator", "冶秀兰", org.RoleMediator, w.district, nil},
		{"finance_officer", "杨建国", org.RoleFinanceOfficer, w.district, nil}, // the district finance office (甘霖工程)
		{"agent2", "赵丽娟", org.RoleAgent, w.district, nil},
		{"agent3", "才让卓玛", org.RoleAgent, w.district, nil},
		{"agent4", "陈静", org.RoleAgent, w.district, nil},
		{"dispatcher2", "冶成林", org.RoleDispatcher, w.district, nil},
		{"dispatcher3", "孙海燕", org.RoleDispatcher, w.district, nil},
		{"leader2", "鲁文斌", org.RoleLeader, xinghailu.unit, nil},
	}
	n := 0
	next := func() string { n++; return staffName(n) }
	h := 2
	for _, s := range w.streets[1:] {
		defs = append(defs, userDef{fmt.Sprintf("handler%d", h), next(), org.RoleHandler, s.unit, nil})
		h++
	}
	for _, d := range departments {
		defs = append(defs, userDef{fmt.Sprintf("handler%d", h), next(), org.RoleHandler, w.depts[d.code], nil})
		h++
	}
	g := 2
	for _, c := range w.communities {
		grid := c.grids[0]
		if c == haihu {
			grid = c.grids[1] // the first grid of 海湖社区 is grid_worker's
		}
		defs = append(defs, userDef{fmt.Sprintf("grid_worker%d", g), next(), org.RoleGridWorker, grid, c})
		g++
	}
	names := make([]string, 0, len(defs))
	for _, d := range defs {
		u, err := svc.CreateUserWithHash(ctx, app.NewUser{Username: d.username, Name: d.name, Role: d.role, UnitID: d.unit.ID}, hash)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", d.username, err)
		}
		names = append(names, u.Username)
		switch d.role {
		case org.RoleAgent:
			w.agents = append(w.agents, u)
		case org.RoleDispatcher:
			w.dispatchers = append(w.dispatchers, u)
		case org.RoleHandler:
			w.handlers[d.unit.ID] = u
		case org.RoleGridWorker:
			w.gridWorkers = append(w.gridWorkers, &gridWorker{user: u, grid: d.unit, community: d.grid})
		}
		switch u.Username {
		case "admin":
			w.admin = u
		case "leader":
			w.leader = u
		}
	}
	return names, nil
}
