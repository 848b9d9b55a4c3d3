package household_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// workbook builds an XLSX file of one sheet from rows of cells.
func workbook(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		for j, c := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, c)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var importHeader = []string{"户主姓名", "身份证号", "电话", "地址", "网格", "成员1姓名", "成员1身份证号", "成员1关系", "标签"}

// idn makes a valid ID number from a sequence number.
func idn(seq int) string {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, seq/1000)
	return household.CompleteIDNumber(fmt.Sprintf("630104%s%03d", born.Format("20060102"), seq%1000))
}

// importRows are n households of the fixture's grid, by its code or name.
func importRows(n int) [][]string {
	rows := [][]string{importHeader}
	for i := range n {
		grid := "haihu-1"
		if i%2 == 1 {
			grid = "第一网格"
		}
		rows = append(rows, []string{"马秀英", idn(2 * i), "13897001234", fmt.Sprintf("海湖佳苑 %d 号楼", i+1), grid,
			"韩立新", idn(2*i + 1), "配偶", "独居老人、低保"})
	}
	return rows
}

// runImport uploads and checks a file to the end.
func (e *env) runImport(t *testing.T, rows [][]string) *household.Import {
	t.Helper()
	im, err := e.hh.Upload(ctx, e.Users["handler"], "名单.xlsx", workbook(t, rows), true)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	steps := 0
	for im.Status == household.ImportChecking {
		if im, err = e.hh.CheckImport(ctx, e.Users["handler"], im.ID); err != nil {
			t.Fatalf("check: %v", err)
		}
		steps++
	}
	if want := (im.Total + household.ImportChunk - 1) / household.ImportChunk; steps != want {
		t.Errorf("%d check steps for %d rows, want %d", steps, im.Total, want)
	}
	return im
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	hs, err := e.hh.List(ctx, e.Users["handler"], 0, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(hs)
}

func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		im := e.runImport(t, importRows(3))
		if im.Status != household.ImportReady || im.Total != 3 || im.Checked != 3 || len(im.Problems) != 0 {
			t.Fatalf("import %s %d/%d %+v: want 3 rows ready", im.Status, im.Checked, im.Total, im.Problems)
		}
		if n := e.count(t); n != 0 {
			t.Fatalf("%d households before the confirmation", n)
		}
		// Someone else does not see the import.
		if _, err := e.hh.ConfirmImport(ctx, e.Users["other_handler"], im.ID); code(err) != minsheng.ENOTFOUND {
			t.Fatalf("another's confirmation: %v", err)
		}
		done, err := e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID)
		if err != nil || done.Status != household.ImportDone || done.Households != 3 {
			t.Fatalf("confirm: %+v %v", done, err)
		}
		hs, _ := e.hh.List(ctx, e.Users["handler"], 0, 500, 0)
		if len(hs) != 3 || len(hs[0].Members) != 2 || hs[0].IntervalDays != 7 || len(hs[0].Tags) != 2 {
			t.Fatalf("registered %d households, first %+v", len(hs), hs[0])
		}
		if hs[0].Members[0].Name != "马**" {
			t.Errorf("a member's name is not masked: %q", hs[0].Members[0].Name)
		}
		if _, err := e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID); code(err) != minsheng.ECONFLICT {
			t.Errorf("a second confirmation: %v", err)
		}
		v, err := e.hh.Get(ctx, e.Users["handler"], hs[0].ID)
		if err != nil || len(v.Timeline) == 0 || v.Timeline[0].Data["import"] != fmt.Sprint(im.ID) {
			t.Errorf("the household's timeline does not name the import: %+v %v", v.Timeline, err)
		}
	})
}

// Every kind of bad row is reported on its row and column, and a refused
// import writes nothing.
func TestImportProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		registered := e.register(t, e.elderly("0001"))
		c, err := e.Svc.CreateUnit(ctx, kit.System(), app.NewUnit{ParentID: e.OtherStreet.ID, Kind: org.KindCommunity, Code: "hutai-c", Name: "虎台社区"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.CreateUnit(ctx, kit.System(), app.NewUnit{ParentID: c.ID, Kind: org.KindGrid, Code: "hutai-1", Name: "虎台第一网格"}); err != nil {
			t.Fatal(err)
		}
		badCheck := idn(100)
		badCheck = badCheck[:17] + map[bool]string{true: "1", false: "0"}[badCheck[17] == '0']
		rows := [][]string{importHeader,
			{"张三", badCheck, "", "甲楼", "haihu-1"},                                   // row 2: check digit
			{"李四", idn(101), "", "乙楼", "haihu-1", "李小四", idn(101), "子女"},            // row 3: the same person twice
			{"王五", e.elderly("0001").Members[0].IDNumber, "", "丙楼", "haihu-1"},      // row 4: already registered
			{"赵六", idn(103), "", "丁楼", "没有这个网格"},                                    // row 5: unknown grid
			{"钱七", idn(104), "", "戊楼", "hutai-1"},                                   // row 6: not a grid of the importer
			{"孙八", idn(105), "", "己楼", "haihu-1", "孙小八", idn(104), "表亲", "独居老人、看门"}, // row 7: in row 6, bad relation, bad tag
			{"", "", "", "", "", "", "", "", ""},                                    // blank: skipped
			{"周九", idn(106), "12", "", "haihu-1"},                                   // row 9: bad phone, no address
		}
		im := e.runImport(t, rows)
		if im.Status != household.ImportRefused || im.Total != 7 {
			t.Fatalf("import %s %d: want 7 rows refused", im.Status, im.Total)
		}
		want := []household.ImportProblem{
			{Row: 2, Column: "身份证号", Reason: household.ProblemIDNumber},
			{Row: 3, Column: "成员1身份证号", Reason: household.ProblemMemberTwice},
			{Row: 4, Column: "身份证号", Reason: household.ProblemRegistered, Household: registered.ID},
			{Row: 5, Column: "网格", Reason: household.ProblemGridUnknown},
			{Row: 6, Column: "网格", Reason: household.ProblemGridUnknown},
			{Row: 7, Column: "成员1关系", Reason: household.ProblemRelation},
			{Row: 7, Column: "标签", Reason: household.ProblemTag},
			{Row: 7, Column: "成员1身份证号", Reason: household.ProblemInOtherRow},
			{Row: 9, Column: "地址", Reason: household.ProblemRequired},
			{Row: 9, Column: "电话", Reason: household.ProblemPhone},
		}
		for _, w := range want {
			if !slices.Contains(im.Problems, w) {
				t.Errorf("no problem %+v in %+v", w, im.Problems)
			}
		}
		if len(im.Problems) != len(want) {
			t.Errorf("%d problems, want %d: %+v", len(im.Problems), len(want), im.Problems)
		}
		if _, err := e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID); code(err) != minsheng.ECONFLICT {
			t.Fatalf("confirming a refused import: %v", err)
		}
		if n := e.count(t); n != 1 {
			t.Fatalf("%d households after a refused import, want the 1 registered before", n)
		}
		v, err := e.hh.GetImport(ctx, e.Users["handler"], im.ID)
		if err != nil || len(v.Preview) != 7 || len(v.Preview[0].Problems) != 1 || strings.Contains(v.Preview[1].IDNumber, idn(101)[6:14]) {
			t.Fatalf("preview %+v %v: want 7 masked rows with their problems", v, err)
		}
	})
}

// Wrong columns, other files and a missing consent are refused at once,
// and nothing is kept.
func TestImportRefusedFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cases := []struct {
			name    string
			data    []byte
			consent bool
			field   string
			reason  string
		}{
			{"wrong columns", workbook(t, [][]string{{"姓名", "身份证", "住址"}, {"马秀英", idn(1), "甲楼"}}), true, "file", "import_columns"},
			{"header only", workbook(t, [][]string{importHeader}), true, "file", "import_empty"},
			{"not a workbook", []byte("姓名,身份证号\n马秀英,630104\n"), true, "file", "import_not_xlsx"},
			{"a zip that is no workbook", []byte("PK\x03\x04garbage"), true, "file", "import_not_xlsx"},
			{"no consent", workbook(t, importRows(1)), false, "consent", ""},
		}
		for _, c := range cases {
			_, err := e.hh.Upload(ctx, e.Users["handler"], "x.xlsx", c.data, c.consent)
			var me *minsheng.Error
			if !asErr(err, &me) || me.Code != minsheng.EINVALID || me.Field != c.field || me.Reason != c.reason {
				t.Errorf("%s: %v; want EINVALID on %s (%s)", c.name, err, c.field, c.reason)
			}
		}
		if _, err := e.hh.Upload(ctx, e.Users["grid_worker"], "x.xlsx", workbook(t, importRows(1)), true); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("a grid worker imports: %v", err)
		}
	})
}

// A file larger than a chunk is checked in several steps, each showing
// its progress, and written in one transaction.
func TestImportInChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large file in chunks; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		n := household.ImportChunk + 20
		im, err := e.hh.Upload(ctx, e.Users["handler"], "big.xlsx", workbook(t, importRows(n)), true)
		if err != nil {
			t.Fatal(err)
		}
		im, err = e.hh.CheckImport(ctx, e.Users["handler"], im.ID)
		if err != nil || im.Status != household.ImportChecking || im.Checked != household.ImportChunk || im.Progress() != 96 {
			t.Fatalf("after one step: %s %d %v", im.Status, im.Checked, err)
		}
		if _, err := e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID); code(err) != minsheng.ECONFLICT {
			t.Fatalf("confirming while checking: %v", err)
		}
		im, err = e.hh.CheckImport(ctx, e.Users["handler"], im.ID)
		if err != nil || im.Status != household.ImportReady {
			t.Fatalf("after two steps: %s %d %v", im.Status, len(im.Problems), err)
		}
		if im, err = e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID); err != nil || im.Households != n {
			t.Fatalf("confirm: %d %v", im.Households, err)
		}
	})
}

func asErr(err error, target **minsheng.Error) bool {
	e, ok := err.(*minsheng.Error)
	*target = e
	return ok
}

// The template reads back as a valid list (its example aside), and the
// export holds the registry masked.
func TestImportTemplateAndExport(t *testing.T) {
	b, err := hh.ImportTemplate()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("住户名单")
	if !slices.Equal(rows[0], household.ImportColumns()) {
		t.Fatalf("template header %v", rows[0])
	}
	if _, ps, err := household.ParseImport(rows, apptest.Start); err != nil || len(ps) != 0 {
		t.Fatalf("the template's example: %v %v", ps, err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.register(t, e.elderly("0001"))
		tb, err := e.hh.Export(ctx, e.Users["handler"], 0)
		if err != nil || len(tb.Rows) != 1 {
			t.Fatalf("export: %+v %v", tb, err)
		}
		row := fmt.Sprint(tb.Rows[0])
		if !strings.Contains(row, "马**") || !strings.Contains(row, "138****1234") || strings.Contains(row, "13897001234") ||
			!strings.Contains(row, "第一网格") || !strings.Contains(row, "独居老人") {
			t.Errorf("exported row %s", row)
		}
	})
}

// BenchmarkImport measures a household list of 2,000 rows: the upload,
// the check in steps and the confirmation (one transaction):
// go test ./app/household -run '^$' -bench Import -benchtime 1x.
func BenchmarkImport(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			f := apptest.New(b, db)
			e := &env{Fixture: f, hh: hh.New(f.Svc.Kit(), f.Svc)}
			file := workbook(b, importRows(2000))
			for b.Loop() {
				start := time.Now()
				im, err := e.hh.Upload(ctx, e.Users["handler"], "名单.xlsx", file, true)
				if err != nil {
					b.Fatal(err)
				}
				up := time.Since(start)
				for im.Status == household.ImportChecking {
					if im, err = e.hh.CheckImport(ctx, e.Users["handler"], im.ID); err != nil {
						b.Fatal(err)
					}
				}
				checked := time.Since(start)
				if im, err = e.hh.ConfirmImport(ctx, e.Users["handler"], im.ID); err != nil || im.Households != 2000 {
					b.Fatalf("confirm: %v", err)
				}
				b.Logf("%s: upload %v, check %v, confirm %v", d, up.Round(time.Millisecond), (checked - up).Round(time.Millisecond),
					(time.Since(start) - checked).Round(time.Millisecond))
				b.StopTimer()
				db2 := storetest.Open(b, d) // a fresh registry for the next round
				f = apptest.New(b, db2)
				e = &env{Fixture: f, hh: hh.New(f.Svc.Kit(), f.Svc)}
				b.StartTimer()
			}
		})
	}
}

// An import left unconfirmed for more than two days is expired by the
// daily job: its rows (personal data) are cleared, its problems kept, and
// it can no longer be confirmed; a recent one is left alone.
func TestImportsExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		old := e.runImport(t, importRows(2))
		e.Clock.Advance(household.ImportKeep + time.Hour)
		fresh, err := e.hh.Upload(ctx, e.Users["handler"], "新.xlsx", workbook(t, [][]string{importHeader, importRows(3)[3]}), true)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return e.hh.ExpireImports(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		v, err := e.hh.GetImport(ctx, e.Users["handler"], old.ID)
		if err != nil || v.Status != household.ImportExpired || len(v.Preview) != 0 {
			t.Fatalf("the old import: %s, %d rows shown, %v", v.Status, len(v.Preview), err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			var rows string
			if err := tx.QueryRow(ctx, `SELECT rows_json FROM household_imports WHERE id = ?`, old.ID).Scan(&rows); err != nil {
				return err
			}
			if rows != "" {
				t.Errorf("the expired import keeps its rows: %.60s", rows)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hh.ConfirmImport(ctx, e.Users["handler"], old.ID); code(err) != minsheng.ECONFLICT {
			t.Errorf("confirming an expired import: %v", err)
		}
		if v, _ := e.hh.GetImport(ctx, e.Users["handler"], fresh.ID); v.Status != household.ImportChecking || len(v.Preview) != 1 {
			t.Errorf("the fresh import: %s with %d rows", v.Status, len(v.Preview))
		}
	})
}
