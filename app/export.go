package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// Table is a table of the dashboards as it is exported to a spreadsheet:
// a title, column headings and rows. A cell is a string, an integer, a
// Percent, a time.Time or nil (empty).
type Table struct {
	Name    string // the sheet's name, 31 characters at most
	Title   string // the document's title: what, where, when
	Columns []string
	Rows    [][]any
}

// Percent is a rate in a table: a fraction that spreadsheets show as a
// percentage (nil: no denominator, an empty cell).
type Percent struct{ V *float64 }

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ContentType returns the media type of an export format.
func ContentType(format string) string {
	if format == FormatXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Write writes the table in a format.
func (t *Table) Write(w io.Writer, format string) error {
	switch format {
	case FormatCSV:
		return t.WriteCSV(w)
	case FormatXLSX:
		return t.WriteXLSX(w)
	}
	return minsheng.FieldError("format", "format must be csv or xlsx")
}

// WriteCSV writes the table as CSV in UTF-8 with a byte-order mark: Excel
// takes a file without one for the local code page and garbles Chinese.
// Rates are written as percentages with two decimals ("96.55%").
func (t *Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		// A leading =, +, - or @ makes spreadsheets run the cell as a
		// formula: a title typed by a caller must stay text.
		if x != "" && strings.ContainsRune("=+-@", rune(x[0])) {
			return "'" + x
		}
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case Percent:
		if x.V == nil {
			return ""
		}
		return strconv.FormatFloat(100**x.V, 'f', 2, 64) + "%"
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.In(chinaZone).Format("2006-01-02 15:04")
	}
	return fmt.Sprint(v)
}

// WriteXLSX writes the table as an Excel workbook of one sheet: headings
// in bold on the first row (frozen), numbers as numbers,
// rates as percentages, times as dates.
func (t *Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(t.Name)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: t.Title, Creator: "Minsheng", Language: "zh-CN"})
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8F0FC"}}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr("yyyy-mm-dd hh:mm")})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	heads := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		heads[i] = excelize.Cell{StyleID: head, Value: c}
		widths[i] = displayWidth(c)
	}
	for _, row := range t.Rows {
		for i := range min(len(row), len(widths)) {
			if s, ok := row[i].(string); ok {
				widths[i] = max(widths[i], displayWidth(s))
			}
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 6), 60)+2)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", heads); err != nil {
		return err
	}
	cells := make([]any, len(t.Columns))
	for r, row := range t.Rows {
		for i := range cells {
			cells[i] = nil
			if i >= len(row) {
				continue
			}
			switch x := row[i].(type) {
			case Percent:
				if x.V != nil {
					cells[i] = excelize.Cell{StyleID: pct, Value: *x.V}
				}
			case time.Time:
				if !x.IsZero() {
					// Excel has no time zones: the time as read in China.
					l := x.In(chinaZone)
					cells[i] = excelize.Cell{StyleID: date, Value: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)}
				}
			default:
				cells[i] = x
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func strPtr(s string) *string { return &s }

// sheetName makes a valid sheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		s = "Sheet1"
	}
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

// displayWidth is the width of a string in a spreadsheet's columns: a
// Chinese character takes two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// MaxExportTickets bounds a ticket list export.
const MaxExportTickets = 20000

// ExportTickets returns every ticket of a list query, newest first, with
// callers' data masked, up to MaxExportTickets; more reports whether the
// list goes on beyond.
func (s *Service) ExportTickets(ctx context.Context, actor *org.User, q ListQuery) (ts []ticket.Ticket, more bool, err error) {
	q.Limit, q.Cursor = MaxPageSize, ""
	for {
		page, err := s.ListTickets(ctx, actor, q)
		if err != nil {
			return nil, false, err
		}
		ts = append(ts, page.Tickets...)
		if page.NextCursor == "" {
			return ts, false, nil
		}
		if len(ts) >= MaxExportTickets {
			return ts[:MaxExportTickets], true, nil
		}
		q.Cursor = page.NextCursor
	}
}

// chinaZone is the time zone in which exports show times.
var chinaZone = time.FixedZone("CST", 8*3600)
