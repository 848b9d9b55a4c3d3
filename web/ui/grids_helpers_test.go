package ui_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// ledgerXLSX writes rows below the usual ledger header as an XLSX file.
func ledgerXLSX(t *testing.T, rows ...[]any) []byte {
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
