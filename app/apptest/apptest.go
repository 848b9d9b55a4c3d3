// Package apptest builds a small district for tests of the use cases and of
// the HTTP layer: units, one user of each role, a category, on a fake clock.
package apptest

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/ticket"
)

// PublicURL is the fixture's public address: the links in the SMS to
// callers start with it.
const PublicURL = "https://12345.example.gov.cn"

// Password is the password of every fixture user.
const Password = "test-password"

// Start is the fake clock's start: Monday 2 March 2026, 09:00 in China.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Fixture is a small district:
//
//	城西区 (district; admin, agent, dispatcher, leader)
//	├── 兴海路街道 (street; handler "street_handler")
//	│   └── 海湖社区 (community; handler "handler", grid worker's grid below)
//	│       └── 第一网格 (grid; grid_worker)
//	├── 虎台街道 (street; handler "other_handler")
//	└── 区住建局 (department; handler "dept_handler")
type Fixture struct {
	Svc   *app.Service
	DB    *store.DB
	Clock *minsheng.FakeClock

	District, Street, Community, Grid, OtherStreet, Dept *org.Unit
	Category                                             *ticket.Category

	// Users by username: admin, agent, dispatcher, leader, handler,
	// street_handler, other_handler, dept_handler, grid_worker.
	Users map[string]*org.User
}

var (
	hashOnce sync.Once
	hash     string
)

// New builds the fixture on db.
func New(t testing.TB, db *store.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{DB: db, Clock: minsheng.NewFakeClock(Start), Users: map[string]*org.User{}}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.Svc = app.New(app.Config{DB: db, Clock: f.Clock, Blobs: blobs, Logger: slog.New(slog.DiscardHandler), PublicURL: PublicURL})
	// Runs before the store closes (cleanups run last-registered first):
	// refreshes a request started in the background finish first.
	t.Cleanup(f.Svc.Wait)
	unit := func(parent *org.Unit, kind org.UnitKind, code, name string) *org.Unit {
		t.Helper()
		var pid int64
		if parent != nil {
			pid = parent.ID
		}
		u, err := f.Svc.CreateUnit(ctx, kit.System(), app.NewUnit{ParentID: pid, Kind: kind, Code: code, Name: name})
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	f.District = unit(nil, org.KindDistrict, "chengxi", "城西区")
	f.Street = unit(f.District, org.KindStreet, "xinghailu", "兴海路街道")
	f.Community = unit(f.Street, org.KindCommunity, "haihu", "海湖社区")
	f.Grid = unit(f.Community, org.KindGrid, "haihu-1", "第一网格")
	f.OtherStreet = unit(f.District, org.KindStreet, "hutai", "虎台街道")
	f.Dept = unit(f.District, org.KindDepartment, "zhujian", "区住建局")

	hashOnce.Do(func() {
		var err error
		if hash, err = org.HashPassword(Password); err != nil {
			panic(err)
		}
	})
	user := func(username string, role org.Role, u *org.Unit) {
		t.Helper()
		usr, err := f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: username, Name: username + "姓名", Role: role, UnitID: u.ID}, hash)
		if err != nil {
			t.Fatalf("user %s: %v", username, err)
		}
		f.Users[username] = usr
	}
	user("admin", org.RoleAdmin, f.District)
	user("agent", org.RoleAgent, f.District)
	user("dispatcher", org.RoleDispatcher, f.District)
	user("leader", org.RoleLeader, f.District)
	user("handler", org.RoleHandler, f.Community)
	user("street_handler", org.RoleHandler, f.Street)
	user("other_handler", org.RoleHandler, f.OtherStreet)
	user("dept_handler", org.RoleHandler, f.Dept)
	user("grid_worker", org.RoleGridWorker, f.Grid)

	var root *ticket.Category

	root, err = f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "city", Name: "城乡建设", NameEN: "Urban construction"})
	if err != nil {
		t.Fatal(err)
	}
	f.Category, err = f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: root.ID, Code: "city.property", Name: "物业管理", NameEN: "Property management"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// NewTicket returns a valid request with a caller.
func NewTicket() ticket.NewTicket {
	return ticket.NewTicket{
		Title:       "小区电梯停运三天无人维修",
		Description: "海湖社区3号楼电梯已经停了三天，楼里有好几位老人上下楼很困难，物业一直说在等配件。",
		Kind:        ticket.KindComplaint,
		Channel:     ticket.ChannelPhone,
		CallerName:  "王秀兰",
		CallerPhone: "13897001234",
		Address:     "城西区海湖路18号海湖小区3号楼",
	}
}

// Register creates a ticket as the agent and fails the test on error.
func (f *Fixture) Register(t testing.TB) *ticket.Ticket {
	t.Helper()
	tk, _, err := f.Svc.CreateTicket(context.Background(), f.Users["agent"], NewTicket(), "")
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return tk
}

// Dispatched creates a ticket and dispatches it to the community.
func (f *Fixture) Dispatched(t testing.TB) *ticket.Ticket {
	t.Helper()
	tk := f.Register(t)
	tk, err := f.Svc.Dispatch(context.Background(), f.Users["dispatcher"], tk.Number, f.Community.ID, "")
	if err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	return tk
}

// MustView returns the ticket as the fixture user sees it, failing the test
// if they cannot.
func MustView(t testing.TB, f *Fixture, user, ref string) *app.TicketView {
	t.Helper()
	v, err := f.Svc.GetTicket(context.Background(), f.Users[user], ref)
	if err != nil {
		t.Fatalf("get %s as %s: %v", ref, user, err)
	}
	return v
}

// OK wraps a use case's result: OK(t)(s.Dispatch(…)) fails the test on
// error.
func OK(t testing.TB) func(*ticket.Ticket, error) *ticket.Ticket {
	t.Helper()
	return func(tk *ticket.Ticket, err error) *ticket.Ticket {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
}

// UnitExamples teach a unit model to send lifts (电梯) to the community and
// wages (工资) to the department.
func (f *Fixture) UnitExamples() []classify.Example {
	var ex []classify.Example
	for _, s := range []string{"电梯停运无人维修", "小区电梯故障", "楼道电梯坏了", "电梯困人", "物业不修电梯"} {
		ex = append(ex, classify.Example{Title: s, Label: f.Community.Code})
	}
	for _, s := range []string{"工资拖欠", "社保断缴", "公司不发工资", "劳动合同纠纷", "加班费不给"} {
		ex = append(ex, classify.Example{Title: s, Label: f.Dept.Code})
	}
	return ex
}

// SaveModel trains a model on the examples, stores it under name with the
// metrics JSON (its held-out evaluation) and loads the models.
func (f *Fixture) SaveModel(t testing.TB, name string, ex []classify.Example, metrics string) {
	t.Helper()
	ctx := context.Background()
	m, err := classify.Train(ex, classify.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := store.SaveModel(ctx, tx, name, b, metrics, f.Clock.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.LoadModels(ctx); err != nil {
		t.Fatal(err)
	}
}

// Lift is a request the fixture's unit model (UnitExamples) sends to the
// community.
func Lift() ticket.NewTicket {
	in := NewTicket()
	in.Title, in.Description = "电梯故障无人维修", "楼道电梯坏了，物业不修电梯"
	return in
}

// Node returns another app node on the fixture's database: a database
// handle, a clock and a Service of its own, with the same units, users and
// categories. It is closed when the test ends.
func (f *Fixture) Node(t testing.TB) *Fixture {
	t.Helper()
	db, err := f.DB.Another(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n := *f
	n.DB, n.Clock = db, minsheng.NewFakeClock(f.Clock.Now())
	n.Svc = app.New(app.Config{DB: db, Clock: n.Clock, Blobs: blobs, Logger: slog.New(slog.DiscardHandler), PublicURL: PublicURL})
	t.Cleanup(n.Svc.Wait)
	return &n
}
