package grids_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// ledgerFile writes rows below the usual header as an XLSX file.
func ledgerFile(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	all := append([][]any{{"序号", "问题描述", "问题类别", "严重程度", "地点", "所在网格/社区", "责任单位", "整改时限"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportItems: a ledger kept in Excel is previewed with each row's
// error; importing a file with a bad row writes nothing; the corrected
// file is imported in one go, counted, and its items are on the ledger.
func TestImportItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		gw := f.Users["grid_worker"]
		c, err := s.CreateCampaign(ctx, f.Users["leader"], grid.NewCampaign{Title: "民生领域大排查", UnitID: f.Street.ID, Deadline: f.Clock.Now().AddDate(0, 0, 30)})
		if err != nil {
			t.Fatal(err)
		}
		good := [][]any{
			{1, "楼道堆放杂物堵塞消防通道", "安全隐患", "一般", "海湖小区3号楼", "第一网格", "海湖社区", "2026-03-20"},
			{2, "电动车在楼道内充电", "安全隐患", "重大", "海湖小区5号楼", "haihu-1", "", ""},
		}
		bad := append(append([][]any{}, good...), []any{3, "化粪池满溢", "环境卫生", "特别重大", "海湖小区", "第一网格", "", ""},
			[]any{4, "路灯不亮", "基础设施", "一般", "虎台路", "虎台街道", "", ""})
		res, err := s.ImportItems(ctx, gw, c.ID, ledgerFile(t, bad...), false)
		if err != nil || len(res.Rows) != 4 || res.Bad != 2 || res.Written != 0 {
			t.Fatalf("preview %+v, %v", res, err)
		}
		if res.Rows[2].Error == nil || res.Rows[2].Error.Reason != "grid_import_severity" || res.Rows[3].Error == nil ||
			res.Rows[3].Error.Reason != "grid_outside_campaign" || res.Rows[0].Error != nil || res.Rows[0].ResponsibleName != "海湖社区" {
			t.Fatalf("row errors %+v", res.Rows)
		}
		res, err = s.ImportItems(ctx, gw, c.ID, ledgerFile(t, bad...), true)
		if !minsheng.IsCode(err, minsheng.EINVALID) || res == nil || res.Bad != 2 || res.Written != 0 {
			t.Fatalf("import with bad rows: %+v, %v", res, err)
		}
		l, _ := s.GetLedger(ctx, gw, c.ID, grids.LedgerQuery{})
		if l.Progress.Found != 0 {
			t.Fatalf("a refused file wrote %d items", l.Progress.Found)
		}
		if _, err := s.ImportItems(ctx, gw, c.ID, []byte("not a workbook"), false); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("not a workbook: %v", err)
		}
		res, err = s.ImportItems(ctx, gw, c.ID, ledgerFile(t, good...), true)
		if err != nil || res.Written != 2 {
			t.Fatalf("import %+v, %v", res, err)
		}
		l, _ = s.GetLedger(ctx, gw, c.ID, grids.LedgerQuery{})
		if l.Progress.Found != 2 || l.Progress.Assigned != 1 || len(l.Items) != 2 || l.Items[1].Severity != grid.SeverityMajor ||
			l.Items[0].Deadline == nil || l.Items[0].Deadline.Format("2006-01-02") != "2026-03-20" {
			t.Fatalf("ledger after import %+v %+v", l.Progress, l.Items)
		}
	})
}

// TestChecklistInspection: a campaign with a checklist; an inspection of a
// place answers it, and each answer showing a problem becomes a ledger
// item; a partial or malformed answer sheet changes nothing.
func TestChecklistInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		gw := f.Users["grid_worker"]
		checks := grid.ParseChecklist("消防通道是否畅通\n数字|楼道内停放电动车数量\n文字|其他情况\n\n")
		if len(checks) != 3 || checks[1].Type != grid.CheckNumber || checks[2].Question != "其他情况" {
			t.Fatalf("parsed %+v", checks)
		}
		c, err := s.CreateCampaign(ctx, f.Users["leader"], grid.NewCampaign{Title: "消防安全大排查", UnitID: f.Street.ID,
			Deadline: f.Clock.Now().AddDate(0, 0, 30), Checklist: checks})
		if err != nil || len(c.Checklist) != 3 {
			t.Fatalf("campaign %+v %v", c, err)
		}
		in := grid.NewInspection{UnitID: f.Grid.ID, Place: "海湖小区3号楼", Category: "安全隐患", Answers: []grid.Answer{
			{Index: 0, Value: "no", Note: "一楼堆放纸箱"}, {Index: 1, Value: "2", Problem: true}}}
		if _, err := s.Inspect(ctx, gw, c.ID, in); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a partial answer sheet: %v", err)
		}
		in.Answers = append(in.Answers, grid.Answer{Index: 2, Value: "无"})
		in.Answers[1].Value = "两辆"
		if _, err := s.Inspect(ctx, gw, c.ID, in); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a number in words: %v", err)
		}
		in.Answers[1].Value = "2"
		res, err := s.Inspect(ctx, gw, c.ID, in)
		if err != nil || len(res.Items) != 2 || res.Inspection.Found != 2 {
			t.Fatalf("inspection %+v %v", res, err)
		}
		if res.Items[0].Problem != "消防通道是否畅通：否。一楼堆放纸箱" || res.Items[1].Problem != "楼道内停放电动车数量：2" {
			t.Errorf("items %q, %q", res.Items[0].Problem, res.Items[1].Problem)
		}
		l, _ := s.GetLedger(ctx, gw, c.ID, grids.LedgerQuery{CountsOnly: true})
		if l.Progress.Found != 2 {
			t.Errorf("ledger %+v", l.Progress)
		}
	})
}
