package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserHouseholdImport walks community staff's import of a household
// list on a phone (390 px) in a real Chromium: a list with a wrong ID
// number is refused with the row's problem and nothing written; a list of
// 600 households is checked in two steps by the page's script (the
// progress bar moves without a click), then confirmed, and the registry
// holds them; the coverage shows the grid on the map. Then the duplicates: the first head registered again under a
// mistyped ID number at the same flat written another way is suggested
// side by side to the grid worker, who asks for the merge; the handler
// approves it, and the household holds both records of the person (to be
// cleaned by a further change). Screenshots go to testdata/artifacts.
func TestBrowserHouseholdImport(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	svc := hh.New(f.Svc.Kit(), f.Svc)
	base := servePages(t, f)
	shots := artifacts(t)
	browser := startBrowser(t, ctx, exe, 390)
	c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	shot := func(name string) {
		t.Helper()
		img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(shots, "households-import-"+name+".png")
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			loc, _ := chromedp.Run(c, chromedp.Location())
			html, _ := chromedp.Run(c, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v (at %s)\n%.3000s", what, err, loc, html)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	fitsPhone := func(page string) {
		t.Helper()
		w, err := chromedp.Run(c, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		if err != nil || w > 390 {
			t.Errorf("%s is %v px wide on a 390 px phone (%v)", page, w, err)
		}
	}
	registered := func() int {
		t.Helper()
		hs, err := svc.List(ctx, f.Users["handler"], 0, 500, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(hs)
	}

	dir := t.TempDir()
	list := func(name string, n int, spoil bool) string {
		var rows [][]string
		for i := range n {
			born := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
			id := household.CompleteIDNumber("630104" + born.Format("20060102") + "002")
			if spoil && i == 1 {
				id = id[:17] + map[bool]string{true: "1", false: "0"}[id[17] == '0']
			}
			rows = append(rows, []string{personName(i), id, "13897001234", fmt.Sprintf("海湖佳苑 %d 号楼", i+1), "第一网格",
				personName(i + 300), household.CompleteIDNumber("630104" + born.Format("20060102") + "011"), "配偶", "独居老人、低保"})
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, householdSheet(t, sheetHeader, rows...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	do("sign in on a phone and open the import from the registry",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "handler"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(base+"/households"),
		chromedp.Click(chromedp.CSS(`a[href="/households/import"]`)),
		chromedp.WaitVisible(chromedp.CSS("#hh-import")),
	)
	fitsPhone("the import form")
	shot("01-form-phone")

	do("upload a list with a wrong ID number",
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{list("错误名单.xlsx", 3, true)}),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`#hh-import button.primary`)),
		chromedp.WaitVisible(chromedp.CSS("#hh-import-refused")),
	)
	if p := text("#hh-import-problems"); !strings.Contains(p, "3") || !strings.Contains(p, "身份证号有误") {
		t.Errorf("problems %q: want row 3's ID number", p)
	}
	if n := registered(); n != 0 {
		t.Fatalf("%d households after a refused list", n)
	}
	fitsPhone("the refused import")
	shot("02-refused-phone")

	n := household.ImportChunk + 100
	do("upload a large list: the script checks it in steps",
		chromedp.Navigate(base+"/households/import"),
		chromedp.WaitVisible(chromedp.CSS("#hh-import")),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{list("名单.xlsx", n, false)}),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`#hh-import button.primary`)),
		chromedp.WaitVisible(chromedp.CSS("#hh-import-confirm")),
	)
	if s := text("#hh-import-state"); !strings.Contains(s, fmt.Sprintf("全部 %d 户检查无误", n)) {
		t.Errorf("ready %q", s)
	}
	fitsPhone("the import ready")
	shot("03-ready-phone")
	do("confirm", chromedp.Click(chromedp.CSS("#hh-import-confirm button")), chromedp.WaitVisible(chromedp.CSS("#hh-registry")))
	if s := text("main"); !strings.Contains(s, "导入完成") {
		t.Errorf("after the confirmation: %.200s", s)
	}
	if got := registered(); got != min(n, 500) {
		t.Errorf("%d households registered, want %d", got, n)
	}
	shot("04-imported-phone")

	// The coverage: the grid's area on the map, shaded, beside the table.
	polygon := `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}`
	if err := f.Svc.SetBoundary(ctx, f.Users["admin"], f.Grid.ID, []byte(polygon)); err != nil {
		t.Fatal(err)
	}
	do("the coverage map", chromedp.Navigate(base+"/household-coverage"), chromedp.WaitVisible(chromedp.CSS(`#hh-coverage-map[data-grids="1"] path.leaflet-interactive`)))
	if s := text("#hh-coverage"); !strings.Contains(s, "第一网格") || !strings.Contains(s, strconv.Itoa(n)) {
		t.Errorf("coverage table %q: want the grid's %d households", s, n)
	}
	fitsPhone("the coverage")
	shot("05-coverage-phone")

	// The first head, registered again by hand with a digit mistyped.
	first := household.CompleteIDNumber("630104" + "19400101" + "002")
	typo := household.CompleteIDNumber(first[:15] + "9" + first[16:17])
	dup, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "海湖佳苑1栋",
		Members: []household.NewMember{{Name: personName(0), IDNumber: typo, Relation: household.RelationHead}}})
	if err != nil {
		t.Fatal(err)
	}
	gw, cancelGW := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelGW)
	c = gw
	do("the grid worker opens the duplicates on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "grid_worker"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(base+"/households"),
		chromedp.Click(chromedp.CSS(`a[href="/household-duplicates"]`)),
		chromedp.WaitVisible(chromedp.CSS("section.hh-dup")),
	)
	pairSel := fmt.Sprintf(`section.hh-dup[id$="-%d"]`, dup.ID)
	if s := text(pairSel); !strings.Contains(s, "同名，身份证号相近") || !strings.Contains(s, "同名，住址相同") ||
		!strings.Contains(s, "海湖佳苑 1 号楼") || !strings.Contains(s, "海湖佳苑1栋") || strings.Contains(s, personName(0)) {
		t.Errorf("the pair %q: want both reasons, both addresses, names masked", s)
	}
	fitsPhone("the duplicates")
	shot("06-duplicates-phone")
	do("ask for the merge",
		chromedp.SendKeys(chromedp.CSS(pairSel+` input[name="reason"]`), "同一位老人，身份证号录错一位"),
		chromedp.Click(chromedp.CSS(pairSel+` button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(pairSel+` p.ok`)),
	)
	if s := text("main"); !strings.Contains(s, "合并申请已提交") {
		t.Errorf("after the request: %.200s", s)
	}

	staff, cancelStaff := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelStaff)
	c = staff
	do("the handler approves the merge on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "handler"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(base+"/household-changes"),
		chromedp.WaitVisible(chromedp.CSS("#hh-changes")),
	)
	if s := text("#hh-changes"); !strings.Contains(s, "身份证号录错一位") {
		t.Errorf("approvals %q: want the merge with its reason", s)
	}
	fitsPhone("the approvals")
	do("approve", chromedp.Click(chromedp.CSS(`#hh-changes button[value="approve"]`)), chromedp.WaitVisible(chromedp.CSS("main p.empty")))
	kept, _, err := findHead(ctx, svc, f.Users["handler"], "海湖佳苑 1 号楼")
	if err != nil {
		t.Fatal(err)
	}
	do("open the kept household", chromedp.Navigate(fmt.Sprintf("%s/households/%d", base, kept)), chromedp.WaitVisible(chromedp.CSS("#hh-members")))
	if s := text("#hh-members"); !strings.Contains(s, personal.MaskIDNumber(first)) || !strings.Contains(s, personal.MaskIDNumber(typo)) {
		t.Errorf("the kept household's members %q: want both records of %s", s, personName(0))
	}
	fitsPhone("the merged household")
	shot("07-merged-phone")
}

// personName is the i-th of 600 different names (i mod 600).
func personName(i int) string {
	surnames := []rune("马韩李张王刘陈杨赵黄周吴徐孙胡朱高林何郭")
	given := []string{"秀英", "立新", "桂兰", "德明", "淑珍", "国强", "建华", "玉梅", "志刚", "海燕", "文斌", "春花", "永福", "丽娟", "学军",
		"金凤", "宏伟", "翠萍", "振东", "小红", "宝山", "慧敏", "长青", "素芳", "继红", "明亮", "凤英", "建国", "秋菊", "家乐"}
	i %= 600
	return string(surnames[i%20]) + given[i/20]
}

// findHead returns the household at the address and its member count.
func findHead(ctx context.Context, svc *hh.Service, u *org.User, address string) (int64, int, error) {
	hs, err := svc.List(ctx, u, 0, 500, 0)
	if err != nil {
		return 0, 0, err
	}
	for _, h := range hs {
		if h.Address == address {
			return h.ID, len(h.Members), nil
		}
	}
	return 0, 0, fmt.Errorf("no household at %s", address)
}
