package ui_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/household"
)

// householdSheet is an XLSX household list of the rows under the header.
func householdSheet(t testing.TB, header []string, rows ...[]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range append([][]string{header}, rows...) {
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

var sheetHeader = []string{"户主姓名", "身份证号", "电话", "地址", "网格", "成员1姓名", "成员1身份证号", "成员1关系", "标签"}

// The import pages: the form with its template, a file with wrong
// columns and one without consent refused in Chinese, a file with a bad
// row refused with the row's problem and nothing written, a good file
// checked (without the page's script, one step a click) and confirmed;
// the export downloads the registry masked.
func TestHouseholdImportPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.signedIn(t, "handler")
		r := staff.get("/households/import")
		if r.status != http.StatusOK || !strings.Contains(r.body, "下载名单模板") || !strings.Contains(r.body, "户主姓名") {
			t.Fatalf("import form: %d", r.status)
		}
		if r := staff.get("/households/import/template.xlsx"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "PK") {
			t.Fatalf("template: %d", r.status)
		}
		if r := e.signedIn(t, "grid_worker").get("/households/import"); r.status != http.StatusForbidden {
			t.Errorf("a grid worker opens the import: %d", r.status)
		}
		head := household.CompleteIDNumber("63010419480312002")
		spouse := household.CompleteIDNumber("63010419460705001")
		good := []string{"马秀英", head, "13897001234", "海湖佳苑 3 号楼 401", "haihu-1", "韩立新", spouse, "配偶", "独居老人"}
		consent := url.Values{"consent": {"1"}}

		r = staff.postFiles("/households/import", consent, map[string][]byte{"名单.xlsx": householdSheet(t, []string{"姓名", "身份证"}, good)})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "表格的列不对") {
			t.Fatalf("wrong columns: %d %s", r.status, r.body)
		}
		r = staff.postFiles("/households/import", nil, map[string][]byte{"名单.xlsx": householdSheet(t, sheetHeader, good)})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "同意书") {
			t.Fatalf("no consent: %d", r.status)
		}

		bad := append([]string(nil), good...)
		bad[1] = head[:17] + map[bool]string{true: "1", false: "0"}[head[17] == '0']
		r = staff.postFiles("/households/import", consent, map[string][]byte{"名单.xlsx": householdSheet(t, sheetHeader, bad)})
		if r.status != http.StatusOK || !strings.Contains(r.body, "继续检查") || !strings.Contains(r.body, "<progress") {
			t.Fatalf("uploaded: %d %s", r.status, r.body)
		}
		r = staff.post(strings.TrimPrefix(r.url, e.srv.URL)+"/check", nil)
		if !strings.Contains(r.body, "整个文件未导入") || !strings.Contains(r.body, "身份证号有误") || strings.Contains(r.body, "马秀英") {
			t.Fatalf("a bad row: %s", r.body)
		}

		r = staff.postFiles("/households/import", consent, map[string][]byte{"名单.xlsx": householdSheet(t, sheetHeader, good)})
		page := strings.TrimPrefix(r.url, e.srv.URL)
		r = staff.post(page+"/check", nil, "Accept", "application/json")
		if !strings.Contains(r.body, `"status":"ready"`) || !strings.Contains(r.body, `"checked":1`) {
			t.Fatalf("a step asked by the script: %s", r.body)
		}
		r = staff.get(page)
		if !strings.Contains(r.body, "确认导入 1 户") || !strings.Contains(r.body, "马**") {
			t.Fatalf("ready: %s", r.body)
		}
		r = staff.post(page+"/confirm", nil)
		if !strings.Contains(r.body, "导入完成") || !strings.Contains(r.body, "海湖佳苑 3 号楼 401") {
			t.Fatalf("confirmed: %s", r.body)
		}
		if r := e.signedIn(t, "other_handler").get(page); r.status != http.StatusNotFound {
			t.Errorf("another handler opens the import: %d", r.status)
		}

		r = staff.get("/households/export.xlsx")
		x, err := excelize.OpenReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("export: %d %v", r.status, err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		if len(rows) != 2 || rows[1][0] != "马**" || strings.Contains(strings.Join(rows[1], ","), head) {
			t.Errorf("export: %v", rows)
		}
	})
}
