package ui

import (
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// The import of a screening ledger kept in Excel (docs/grids.md): a
// preview listing each row and its fault, and an import that writes every
// row or none.

// importData is the import page of a campaign's ledger.
type importData struct {
	Campaign *store.LedgerCampaign
	Result   *grids.ImportResult
}

func (u *gridPages) drawImport(w http.ResponseWriter, r *http.Request, me *org.User, form *formState, res *grids.ImportResult) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	l, err := u.g.GetLedger(r.Context(), me, id, grids.LedgerQuery{CountsOnly: true})
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/ledger", "ledger_import.title", form)
	if err != nil {
		return err
	}
	p.Data = importData{Campaign: l.Campaign, Result: res}
	u.render(w, formStatus(form), p, "grids/import")
	return nil
}

// importItems previews (do=preview) or imports (do=import) a ledger kept
// in Excel; the page shows every row with its error, and an import with a
// row at fault writes nothing.
func (u *gridPages) importItems(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := pageID(r)
	if err != nil {
		return err
	}
	var res *grids.ImportResult
	if len(files) != 1 {
		err = minsheng.FieldError("file", "choose one Excel file").Because("required")
	} else {
		var b []byte
		if b, err = readFile(files[0]); err == nil {
			res, err = u.g.ImportItems(r.Context(), me, id, b, vals.Get("do") == "import")
		}
	}
	if err != nil {
		form, err := refusal("import", err, vals)
		if err != nil {
			return err
		}
		return u.drawImport(w, r, me, form, res)
	}
	return u.drawImport(w, r, me, nil, res)
}

// ledgerImportMessages are the texts of the import page.
var ledgerImportMessages = map[string][2]string{
	"ledger_import.title":   {"从 Excel 导入台账", "Import a ledger from Excel"},
	"ledger_import.open":    {"从 Excel 导入", "Import from Excel"},
	"ledger_import.help":    {"第一张工作表，表头含“问题描述”“地点”“所在网格/社区”（可含“问题类别”“严重程度”“责任单位”“整改时限”），每行一个问题；单位写名称或编码。先预览，每行的问题会列出；任一行有误则整个文件不写入。", "The first sheet, a header naming 问题描述, 地点 and 所在网格/社区 (also 问题类别, 严重程度, 责任单位, 整改时限), one problem a row; units by name or code. Preview first: each row's fault is listed; one bad row and nothing is written."},
	"ledger_import.file":    {"Excel 文件（.xlsx）", "Excel file (.xlsx)"},
	"ledger_import.preview": {"预览", "Preview"},
	"ledger_import.submit":  {"导入", "Import"},
	"ledger_import.done":    {"已导入 %d 个问题。", "%d items imported."},
	"ledger_import.bad":     {"%d 行有误（共 %d 行），未写入任何内容，请修改后重新上传。", "%d of %d rows are at fault; nothing was written. Correct them and upload again."},
	"ledger_import.ready":   {"共 %d 行均可导入，请再次选择该文件并点击“导入”。", "All %d rows can be imported: choose the file again and press Import."},
	"ledger_import.rows":    {"逐行检查", "Row by row"},
	"ledger_import.row":     {"行号", "Row"},
	"ledger_import.check":   {"检查结果", "Check"},

	"why.grid_import_file":           {"文件不是 Excel 工作簿（.xlsx），或第一张工作表无法读取。", "The file is not an Excel workbook (.xlsx), or its first sheet cannot be read."},
	"why.grid_import_header":         {"没有找到表头：须有“问题描述”“地点”“所在网格/社区”三列。", "No header row: it must name 问题描述, 地点 and 所在网格/社区."},
	"why.grid_import_empty":          {"表头下面没有数据行。", "The sheet holds no row below its header."},
	"why.grid_import_too_many":       {"一个文件最多 5000 行，请分批导入。", "At most 5,000 rows in one file; import it in parts."},
	"why.grid_import_rows":           {"有的行有误，整个文件未写入；请先预览，逐行修改。", "Some rows are at fault and nothing was written; preview the file and correct them."},
	"why.grid_import_severity":       {"严重程度只能填“一般”或“重大”。", "Severity is 一般 or 重大."},
	"why.grid_import_date":           {"整改时限不是日期（如 2026-12-31）。", "The deadline is not a date (e.g. 2026-12-31)."},
	"why.grid_import_unit_unknown":   {"责任单位不存在。", "The responsible unit does not exist."},
	"why.grid_import_unit_ambiguous": {"该名称对应多个单位，请改填单位编码。", "That name belongs to several units; write its code."},
	"field.xlsx":                     {"Excel 文件", "the Excel file"},
}
