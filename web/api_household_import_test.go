package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/household"
)

// householdList is an XLSX household list of one household per grid
// (by code), the ID numbers made from seq.
func householdList(t testing.TB, seq string, grids ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	rows := [][]string{{"户主姓名", "身份证号", "地址", "网格", "成员1姓名", "成员1身份证号", "成员1关系", "标签"}}
	for i, g := range grids {
		n := seq + string(rune('0'+i))
		rows = append(rows, []string{[]string{"马秀英", "祁桂兰", "李淑珍"}[i%3], household.CompleteIDNumber("63010419480301" + n), "导入楼 " + n, g,
			[]string{"韩立新", "马国强", "张建华"}[i%3], household.CompleteIDNumber("63010419460401" + n), "配偶", "独居老人"})
	}
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

// upload is the body of an upload.
func upload(file []byte, consent bool) map[string]any {
	return map[string]any{"file": file, "filename": "名单.xlsx", "consent": consent}
}

// importView is the part of an import's answer the tests read.
type importView struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Total    int    `json:"total"`
	Checked  int    `json:"checked"`
	Problems []struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
		Reason string `json:"reason"`
	} `json:"problems"`
	Preview []struct {
		Head     string `json:"head"`
		IDNumber string `json:"id_number"`
	} `json:"preview"`
	Households int `json:"households"`
}

func readImport(t *testing.T, b []byte) importView {
	t.Helper()
	var v importView
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("import: %v: %s", err, b)
	}
	return v
}

// The API walk of an import: the template, an upload, its check and its
// confirmation, a refused file and the export.
func TestHouseholdImportAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do(t, "GET", "/api/v1/household-imports/template", "handler", nil)
		mustStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(string(r.body), "PK") || !strings.Contains(r.hdr.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("template: %s %q", r.hdr.Get("Content-Type"), r.hdr.Get("Content-Disposition"))
		}
		// Wrong columns: refused on the file, with the reason.
		bad := householdList(t, "01", "haihu-1")
		f, _ := excelize.OpenReader(bytes.NewReader(bad))
		f.SetCellStr("Sheet1", "C1", "住址")
		var buf bytes.Buffer
		f.Write(&buf)
		r = e.do(t, "POST", "/api/v1/household-imports", "handler", upload(buf.Bytes(), true))
		mustStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), `"import_columns"`) || !strings.Contains(string(r.body), `"file"`) {
			t.Errorf("wrong columns: %s", r.body)
		}
		// No consent.
		mustStatus(t, e.do(t, "POST", "/api/v1/household-imports", "handler", upload(householdList(t, "01", "haihu-1"), false)), http.StatusBadRequest)

		r = e.do(t, "POST", "/api/v1/household-imports", "handler", upload(householdList(t, "01", "haihu-1", "第一网格"), true))
		mustStatus(t, r, http.StatusCreated)
		v := readImport(t, r.body)
		if v.Status != "checking" || v.Total != 2 || v.Checked != 0 || len(v.Preview) != 2 || !strings.HasSuffix(v.Preview[0].Head, "**") {
			t.Fatalf("uploaded: %s", r.body)
		}
		id := itoa(v.ID)
		mustStatus(t, e.do(t, "POST", "/api/v1/household-imports/"+id+"/check", "admin", nil), http.StatusNotFound) // another's
		mustStatus(t, e.do(t, "POST", "/api/v1/household-imports/"+id+"/confirm", "handler", nil), http.StatusConflict)
		r = e.do(t, "POST", "/api/v1/household-imports/"+id+"/check", "handler", nil)
		mustStatus(t, r, http.StatusOK)
		if v := readImport(t, r.body); v.Status != "ready" || v.Checked != 2 {
			t.Fatalf("checked: %s", r.body)
		}
		r = e.do(t, "POST", "/api/v1/household-imports/"+id+"/confirm", "handler", nil)
		mustStatus(t, r, http.StatusOK)
		if v := readImport(t, r.body); v.Status != "done" || v.Households != 2 {
			t.Fatalf("confirmed: %s", r.body)
		}
		// The same list again: every row is already registered.
		r = e.do(t, "POST", "/api/v1/household-imports", "handler", upload(householdList(t, "01", "haihu-1", "第一网格"), true))
		v = readImport(t, mustOK(t, r))
		r = e.do(t, "POST", "/api/v1/household-imports/"+itoa(v.ID)+"/check", "handler", nil)
		if v := readImport(t, mustOK(t, r)); v.Status != "refused" || len(v.Problems) != 4 || v.Problems[0].Reason != "registered" {
			t.Fatalf("the same list again: %s", r.body)
		}

		// The list once more with the first head's ID number mistyped:
		// refused? No — a different number; it is suggested as a duplicate.
		typo := householdList(t, "01", "haihu-1")
		x0, _ := excelize.OpenReader(bytes.NewReader(typo))
		id0, _ := x0.GetCellValue("Sheet1", "B2")
		x0.SetCellStr("Sheet1", "B2", household.CompleteIDNumber(id0[:16]+"9"))
		x0.SetCellStr("Sheet1", "F2", household.CompleteIDNumber("63010419460401999"))
		var tb bytes.Buffer
		x0.Write(&tb)
		v = readImport(t, mustOK(t, e.do(t, "POST", "/api/v1/household-imports", "handler", upload(tb.Bytes(), true))))
		mustOK(t, e.do(t, "POST", "/api/v1/household-imports/"+itoa(v.ID)+"/check", "handler", nil))
		mustOK(t, e.do(t, "POST", "/api/v1/household-imports/"+itoa(v.ID)+"/confirm", "handler", nil))
		var dups struct {
			Pairs []struct {
				A, B    struct{ ID int64 }
				Reasons []string
			}
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/household-duplicates", "grid_worker", nil)), &dups)
		if len(dups.Pairs) != 1 || len(dups.Pairs[0].Reasons) != 2 {
			t.Fatalf("duplicates: %+v", dups)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/household-duplicates", "leader", nil), http.StatusForbidden)
		mustStatus(t, e.do(t, "POST", "/api/v1/households/"+itoa(dups.Pairs[0].A.ID)+"/changes", "grid_worker",
			map[string]any{"kind": "merge", "other_id": dups.Pairs[0].B.ID, "reason": "疑似重复登记"}), http.StatusCreated)

		r = e.do(t, "GET", "/api/v1/households/coverage-by-street", "leader", nil)
		if !strings.Contains(string(mustOK(t, r)), `"street_name":"兴海路街道","households":3`) {
			t.Errorf("coverage by street: %s", r.body)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/households/coverage-by-street?unit_id="+itoa(e.f.Community.ID), "leader", nil), http.StatusBadRequest)

		// A visit's photo, added and read back.
		visit := visitOf(t, e, dups.Pairs[0].A.ID)
		var ps struct{ Photos []struct{ ID int64 } }
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/household-visits/"+itoa(visit)+"/photos", "handler", photoBody())), &ps)
		if len(ps.Photos) != 1 {
			t.Fatalf("photos: %+v", ps)
		}
		r = e.do(t, "GET", "/api/v1/household-visit-photos/"+itoa(ps.Photos[0].ID), "handler", nil)
		if r.status != http.StatusOK || !bytes.Equal(r.body, pngPhoto) || r.hdr.Get("Content-Type") != "image/png" {
			t.Errorf("the photo: %d %q", r.status, r.hdr.Get("Content-Type"))
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/household-visit-photos/"+itoa(ps.Photos[0].ID), "other_handler", nil), http.StatusNotFound)

		r = e.do(t, "GET", "/api/v1/households/export", "handler", nil)
		mustStatus(t, r, http.StatusOK)
		x, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		if len(rows) != 4 || rows[0][0] != "户主姓名" || rows[1][0] != "马**" || strings.Contains(strings.Join(rows[1], " "), "630104194803") {
			t.Errorf("export rows: %v", rows)
		}
	})
}

// householdImportAdminWrites are the import's routes in the audit walk: a
// one-household list uploaded, checked and confirmed (its one household's
// register event is the entry).
func householdImportAdminWrites(t *testing.T, e *env, ids householdIDs) []adminWrite {
	var id int64
	visit := visitOf(t, e, ids.in)
	other := idOf(mustOK(t, e.do(t, "POST", "/api/v1/households", "admin", newHousehold(e.f.Grid.ID, "0991"))))
	onImport := func([]byte) int64 { return id }
	return []adminWrite{
		{pattern: "POST /api/v1/household-imports", path: func() string { return "/api/v1/household-imports" },
			status: http.StatusCreated, body: upload(householdList(t, "11", "haihu-1"), true), object: "household_import", action: "upload",
			id: func(b []byte) int64 { id = readImport(t, b).ID; return id }, detail: []string{"rows=1"}, refused: upload([]byte("not a workbook"), true)},
		{pattern: "POST /api/v1/household-imports/{id}/check", path: func() string { return "/api/v1/household-imports/" + itoa(id) + "/check" },
			status: http.StatusOK, object: "household_import", id: onImport, action: "check", detail: []string{"status=ready"},
			refusedPath: "/api/v1/household-imports/999999/check", refusedStatus: http.StatusNotFound},
		{pattern: "POST /api/v1/household-imports/{id}/confirm", path: func() string { return "/api/v1/household-imports/" + itoa(id) + "/confirm" },
			status: http.StatusOK, object: "household", action: "register", detail: []string{"import="},
			id: func([]byte) int64 {
				var l struct {
					Households []struct {
						ID      int64  `json:"id"`
						Address string `json:"address"`
					} `json:"households"`
				}
				json.Unmarshal(e.do(t, "GET", "/api/v1/households?limit=500", "admin", nil).body, &l)
				for _, h := range l.Households {
					if h.Address == "导入楼 110" {
						return h.ID
					}
				}
				return 0
			},
			refusedPath: "/api/v1/household-imports/999999/confirm", refusedStatus: http.StatusNotFound},
		{pattern: "POST /api/v1/household-duplicates/not-duplicate", path: func() string { return "/api/v1/household-duplicates/not-duplicate" },
			status: http.StatusNoContent, body: map[string]any{"a": other, "b": ids.in}, object: "household", id: func([]byte) int64 { return min(other, ids.in) },
			action: "not_duplicate", detail: []string{"household=" + itoa(max(other, ids.in))}, refused: map[string]any{"a": ids.in, "b": ids.in}},
		{pattern: "POST /api/v1/household-visits/{id}/photos", path: func() string { return "/api/v1/household-visits/" + itoa(visit) + "/photos" },
			status: http.StatusCreated, body: photoBody(), object: "household", id: func([]byte) int64 { return ids.in }, action: "visit_photos",
			detail: []string{"photos=1"}, refused: map[string]any{"photos": []any{}}},
	}
}

// visitOf records a visit of the household as the admin and returns its id.
func visitOf(t *testing.T, e *env, household int64) int64 {
	t.Helper()
	var rec struct {
		Visit struct{ ID int64 } `json:"visit"`
	}
	json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/households/"+itoa(household)+"/visits", "admin",
		map[string]any{"at": apptest.Start.Add(-2 * time.Hour).Format(time.RFC3339), "met": "本人"})), &rec)
	return rec.Visit.ID
}

// pngPhoto is a 1×1 PNG image.
var pngPhoto = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

func photoBody() map[string]any {
	return map[string]any{"photos": []map[string]any{{"name": "门口.png", "data": pngPhoto}}}
}

// householdImportStreetCalls are the import's routes in the street
// admin's walk: a list of the street's grid is imported; one naming a grid
// of another street is refused at its check and cannot be confirmed.
func householdImportStreetCalls(t *testing.T, e *env, ids householdIDs) []streetCall {
	var in, out int64
	visitIn, visitOut := visitOf(t, e, ids.in), visitOf(t, e, ids.out)
	other := idOf(mustOK(t, e.do(t, "POST", "/api/v1/households", "admin", newHousehold(e.f.Grid.ID, "0992"))))
	imp := func(id *int64, rest string) func() string {
		return func() string { return "/api/v1/household-imports/" + itoa(*id) + rest }
	}
	upload := func(seq, grid string) streetCall {
		return streetCall{name: "import " + grid, pattern: "POST /api/v1/household-imports", status: http.StatusCreated,
			path: func() string { return "/api/v1/household-imports" }, body: upload(householdList(t, seq, grid), true)}
	}
	calls := []streetCall{
		upload("21", "haihu-1"),
		{name: "check an import of the street", pattern: "POST /api/v1/household-imports/{id}/check", path: imp(&in, "/check"), status: http.StatusOK},
		{name: "confirm an import of the street", pattern: "POST /api/v1/household-imports/{id}/confirm", path: imp(&in, "/confirm"), status: http.StatusOK},
		upload("22", "hutai-g1"),
		{name: "check an import naming another street's grid", pattern: "POST /api/v1/household-imports/{id}/check", path: imp(&out, "/check"),
			status: http.StatusOK},
		{name: "confirm an import naming another street's grid", pattern: "POST /api/v1/household-imports/{id}/confirm", path: imp(&out, "/confirm"),
			status: http.StatusConflict},
		{name: "not duplicates in the street", pattern: "POST /api/v1/household-duplicates/not-duplicate", status: http.StatusNoContent,
			path: func() string { return "/api/v1/household-duplicates/not-duplicate" }, body: map[string]any{"a": ids.in, "b": other}},
		{name: "not duplicates across streets", pattern: "POST /api/v1/household-duplicates/not-duplicate", status: http.StatusNotFound,
			path: func() string { return "/api/v1/household-duplicates/not-duplicate" }, body: map[string]any{"a": ids.in, "b": ids.out}},
		{name: "photos of a visit in the street", pattern: "POST /api/v1/household-visits/{id}/photos", status: http.StatusCreated,
			path: func() string { return "/api/v1/household-visits/" + itoa(visitIn) + "/photos" }, body: photoBody()},
		{name: "photos of a visit in another street", pattern: "POST /api/v1/household-visits/{id}/photos", status: http.StatusNotFound,
			path: func() string { return "/api/v1/household-visits/" + itoa(visitOut) + "/photos" }, body: photoBody()},
	}
	// The uploads' ids are read from the imports the street admin made.
	calls[1].path = func() string {
		in = lastImport(t, e)
		return imp(&in, "/check")()
	}
	calls[4].path = func() string {
		out = lastImport(t, e)
		return imp(&out, "/check")()
	}
	return calls
}

// lastImport is the id of the newest import's upload in the audit log.
func lastImport(t *testing.T, e *env) int64 {
	for _, a := range e.auditRows(t) {
		if a.Object == "household_import" && a.Action == "upload" {
			return a.ObjectID
		}
	}
	return 0
}
