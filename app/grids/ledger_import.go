package grids

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// MaxImportRows is how many items one ledger file may hold.
const MaxImportRows = 5000

// The columns of an imported ledger, by their header: the usual layout of
// the districts' Excel ledgers, the same as the export's (序号 and the
// columns of the rectification are read by the export only).
const (
	colProblem     = "问题描述"
	colCategory    = "问题类别"
	colSeverity    = "严重程度"
	colPlace       = "地点"
	colUnit        = "所在网格/社区"
	colResponsible = "责任单位"
	colDeadline    = "整改时限"
)

// ImportRow is one row of an imported ledger: the item it makes, or why
// it cannot be made.
type ImportRow struct {
	Row             int          `json:"row"` // the row of the sheet (the header is row 1)
	Item            grid.NewItem `json:"item"`
	UnitName        string       `json:"unit_name"`
	ResponsibleName string       `json:"responsible_name,omitempty"`
	// Error is why the row cannot be imported (nil: it can); Fault is
	// the same for the JSON API.
	Error *minsheng.Error `json:"-"`
	Fault *RowFault       `json:"error,omitempty"`
}

// RowFault is why a row cannot be imported: the application error's code,
// English message, field and reason.
type RowFault struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

func faultOf(e *minsheng.Error) *RowFault {
	if e == nil {
		return nil
	}
	return &RowFault{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason}
}

// ImportResult is what an import read, and wrote.
type ImportResult struct {
	Rows    []ImportRow `json:"rows"`
	Bad     int         `json:"bad"`     // rows that cannot be imported
	Written int         `json:"written"` // items recorded (0 for a preview or a refused file)
	IDs     []int64     `json:"ids"`     // the items recorded, in the file's order
}

// ImportItems reads a ledger kept in Excel (the first sheet, a header row
// naming the columns, one problem a row) into a campaign. Each row is
// checked as AddItem checks an item, its units named by code or name
// within the campaign's scope. With write false it only previews; with
// write true it records every row in one transaction, or, when any row is
// at fault, none: EINVALID (reason grid_import_rows) with the result
// telling which rows and why.
func (s *Service) ImportItems(ctx context.Context, actor *org.User, campaignID int64, xlsx []byte, write bool) (*ImportResult, error) {
	if err := kit.Require(actor, grid.Finders...); err != nil {
		return nil, err
	}
	rows, err := readLedgerSheet(xlsx)
	if err != nil {
		return nil, err
	}
	out := &ImportResult{}
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := loadCampaign(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		find := unitFinder(units)
		for _, r := range rows {
			ir := ImportRow{Row: r.row}
			ir.Item, ir.UnitName, ir.ResponsibleName, ir.Error = importItem(r, c, actor, find)
			ir.Fault = faultOf(ir.Error)
			if ir.Error != nil {
				out.Bad++
			}
			out.Rows = append(out.Rows, ir)
		}
		if !write || out.Bad > 0 {
			return nil
		}
		for i, ir := range out.Rows {
			it, err := s.addItemTx(ctx, tx, actor, c, ir.Item, map[string]string{"source": "xlsx", "row": strconv.Itoa(ir.Row)})
			if err != nil {
				if e := errorOf(err); e != nil && e.Code != minsheng.EINTERNAL {
					out.Rows[i].Error, out.Rows[i].Fault, out.Bad, out.Written = e, faultOf(e), out.Bad+1, 0
					return e
				}
				return err
			}
			out.Written, out.IDs = out.Written+1, append(out.IDs, it.ID)
		}
		return nil // each item's "found" event is its audit entry, marked source=xlsx
	})
	if err != nil {
		if out.Bad > 0 {
			out.Written, out.IDs = 0, nil
			return out, minsheng.FieldError("file", "%d rows of the file cannot be imported; nothing was written", out.Bad).Because("grid_import_rows")
		}
		return nil, err
	}
	if write && out.Bad > 0 {
		return out, minsheng.FieldError("file", "%d rows of the file cannot be imported; nothing was written", out.Bad).Because("grid_import_rows")
	}
	return out, nil
}

// errorOf returns the application error in err's chain, or nil.
func errorOf(err error) *minsheng.Error {
	var e *minsheng.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// sheetRow is a row of the sheet by column header.
type sheetRow struct {
	row   int
	cells map[string]string
	dates map[string]float64 // date cells as Excel serials, when they are numbers
}

// readLedgerSheet reads the first sheet of an XLSX file: a header row
// holding at least 问题描述, 地点 and 所在网格/社区, then the rows (blank
// rows skipped).
func readLedgerSheet(b []byte) ([]sheetRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, minsheng.FieldError("file", "the file is not an Excel workbook (.xlsx)").Because("grid_import_file")
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, minsheng.FieldError("file", "the first sheet cannot be read").Because("grid_import_file")
	}
	// The header is the first row naming 问题描述 (a title row may come
	// before it, as in the export).
	head := -1
	for i, r := range all {
		for _, c := range r {
			if strings.TrimSpace(c) == colProblem {
				head = i
			}
		}
		if head >= 0 || i > 5 {
			break
		}
	}
	if head < 0 {
		return nil, minsheng.FieldError("file", "no header row naming the columns 问题描述, 地点, 所在网格/社区").Because("grid_import_header")
	}
	cols := map[string]int{}
	for j, c := range all[head] {
		cols[strings.TrimSpace(c)] = j
	}
	for _, need := range []string{colProblem, colPlace, colUnit} {
		if _, ok := cols[need]; !ok {
			return nil, minsheng.FieldError("file", "the header lacks the column %s", need).Because("grid_import_header")
		}
	}
	var out []sheetRow
	for i := head + 1; i < len(all); i++ {
		r := sheetRow{row: i + 1, cells: map[string]string{}, dates: map[string]float64{}}
		blank := true
		for name, j := range cols {
			if j < len(all[i]) {
				v := strings.TrimSpace(all[i][j])
				r.cells[name] = v
				blank = blank && v == ""
			}
		}
		if blank {
			continue
		}
		if v, err := strconv.ParseFloat(r.cells[colDeadline], 64); err == nil {
			r.dates[colDeadline] = v
		}
		out = append(out, r)
		if len(out) > MaxImportRows {
			return nil, minsheng.FieldError("file", "at most %d rows in one file", MaxImportRows).Because("grid_import_too_many")
		}
	}
	if len(out) == 0 {
		return nil, minsheng.FieldError("file", "the sheet holds no row below its header").Because("grid_import_empty")
	}
	return out, nil
}

// unitFinder returns a lookup of units by code, then by name (EINVALID
// when a name is not unique among the candidates).
func unitFinder(units []*org.Unit) func(s string, within string) (*org.Unit, *minsheng.Error) {
	return func(s, within string) (*org.Unit, *minsheng.Error) {
		var byName []*org.Unit
		for _, u := range units {
			if !u.Active || (within != "" && !org.Within(u.Path, within)) {
				continue
			}
			if u.Code == s {
				return u, nil
			}
			if u.Name == s {
				byName = append(byName, u)
			}
		}
		switch len(byName) {
		case 1:
			return byName[0], nil
		case 0:
			return nil, nil
		}
		return nil, minsheng.FieldError("unit_id", "%q names %d units; write its code", s, len(byName)).Because("grid_import_unit_ambiguous")
	}
}

// importItem makes a row into an item of the campaign, checked.
func importItem(r sheetRow, c *store.LedgerCampaign, actor *org.User, find func(string, string) (*org.Unit, *minsheng.Error)) (grid.NewItem, string, string, *minsheng.Error) {
	in := grid.NewItem{Problem: r.cells[colProblem], Category: r.cells[colCategory], Place: r.cells[colPlace]}
	switch r.cells[colSeverity] {
	case "", "一般", "normal":
		in.Severity = grid.SeverityNormal
	case "重大", "major":
		in.Severity = grid.SeverityMajor
	default:
		return in, "", "", minsheng.FieldError("severity", "severity must be 一般 or 重大").Because("grid_import_severity")
	}
	name := r.cells[colUnit]
	if name == "" {
		return in, "", "", minsheng.FieldError("unit_id", "name the grid or community").Because("choose")
	}
	u, e := find(name, c.UnitPath)
	if e != nil {
		return in, "", "", e
	}
	if u == nil {
		return in, name, "", minsheng.FieldError("unit_id", "%q is no unit of the campaign's scope", name).Because("grid_outside_campaign")
	}
	if !seesAs(actor, u.Path, grid.Finders...) {
		return in, u.Name, "", minsheng.FieldError("unit_id", "%s is outside your units", u.Name).Because("grid_unit_not_yours")
	}
	in.UnitID = u.ID
	rname := ""
	if s := r.cells[colResponsible]; s != "" {
		ru, e := find(s, "")
		if e != nil {
			e.Field = "responsible_unit_id"
			return in, u.Name, s, e
		}
		if ru == nil {
			return in, u.Name, s, minsheng.FieldError("responsible_unit_id", "%q is no unit", s).Because("grid_import_unit_unknown")
		}
		in.Responsible, rname = ru.ID, ru.Name
	}
	if s := r.cells[colDeadline]; s != "" {
		d, ok := importDate(s, r.dates[colDeadline])
		if !ok {
			return in, u.Name, rname, minsheng.FieldError("deadline", "%q is not a date", s).Because("grid_import_date")
		}
		in.Deadline = &d
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return in, u.Name, rname, errorOf(err)
	}
	return in, u.Name, rname, nil
}

// importDate reads a deadline as districts write it (2026-12-31,
// 2026/12/31, 2026年12月31日, with or without a time, or an Excel date
// serial): a date alone is the end of that day in China.
func importDate(s string, serial float64) (time.Time, bool) {
	if serial > 20000 && serial < 80000 {
		t, err := excelize.ExcelDateToTime(serial, false)
		if err == nil {
			// The serial is the wall clock of the district.
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, china)
			if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
				t = t.Add(24*time.Hour - time.Second)
			}
			return t.UTC(), true
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006/1/2 15:04", "2006-01-02", "2006-1-2", "2006/1/2", "2006年1月2日", "2006.1.2"} {
		if t, err := time.ParseInLocation(layout, s, china); err == nil {
			if !strings.Contains(layout, "15") {
				t = t.Add(24*time.Hour - time.Second)
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
