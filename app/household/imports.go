package household

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
)

// ObjectImport is the timeline and audit type of an import.
const ObjectImport = "household_import"

// An import of a household list goes in three steps, so that a large
// file shows its progress and nothing is written until every row is
// right: Upload reads the file and keeps its rows (problems of the rows on
// their own and across the file found at once); CheckImport checks the
// next ImportChunk rows against the registry (the person already in a
// household, the grid unknown or not the importer's), one short
// transaction a step, until all are checked: ready, or refused when any
// row has a problem; ConfirmImport registers every household of a ready
// import in one transaction, or none.

// Upload reads a household list (an XLSX workbook, its first sheet) as
// community staff upload it. consent says the households of the list
// agreed to be registered and visited (the importer vouches for it, as
// for a household registered by hand). A file that is not a workbook, or
// whose header lacks a required column or holds an unknown one, is
// refused as a whole (EINVALID on "file") and nothing is kept.
func (s *Service) Upload(ctx context.Context, actor *org.User, filename string, data []byte, consent bool) (*household.Import, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return nil, err
	}
	if !consent {
		return nil, minsheng.FieldError("consent", "the households' consent to be registered and visited is required")
	}
	if len(data) > household.MaxImportBytes {
		return nil, minsheng.FieldError("file", "the file is larger than %d MB", household.MaxImportBytes>>20).Because("import_too_large")
	}
	sheet, err := readSheet(data)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rows, problems, err := household.ParseImport(sheet, now)
	if err != nil {
		return nil, err
	}
	filename = strings.TrimSpace(filename)
	if r := []rune(filename); len(r) > 100 {
		filename = string(r[:100])
	}
	im := &household.Import{CreatedBy: actor.ID, CreatedAt: now, Filename: filename, Status: household.ImportChecking,
		Total: len(rows), Rows: rows, Problems: problems}
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		if im.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		if err := store.InsertImport(ctx, tx, im); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectImport, ObjectID: im.ID, Action: "upload",
			Data: map[string]string{"rows": strconv.Itoa(im.Total), "problems": strconv.Itoa(len(problems))}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return im, nil
}

// readSheet reads the cells of a workbook's first sheet as text (numbers
// as they are stored, not as they are formatted).
func readSheet(data []byte) ([][]string, error) {
	notXLSX := minsheng.FieldError("file", "not an XLSX workbook").Because("import_not_xlsx")
	if !bytes.HasPrefix(data, []byte("PK")) {
		return nil, notXLSX
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: 16 * household.MaxImportBytes, UnzipXMLSizeLimit: 16 * household.MaxImportBytes})
	if err != nil {
		return nil, notXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, notXLSX
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, notXLSX
	}
	return rows, nil
}

// loadImport loads an import its importer (or the system) reads:
// ENOTFOUND for anyone else.
func loadImport(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*household.Import, error) {
	im, err := store.GetImport(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !kit.IsSystem(actor) && im.CreatedBy != actor.ID {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "import %d not found", id)
	}
	return im, nil
}

// grids are the grids an importer keeps, by code and by name.
type grids struct {
	byCode map[string]*org.Unit
	byName map[string][]*org.Unit
}

func importerGrids(ctx context.Context, tx *store.Tx, actor *org.User) (*grids, error) {
	paths := []string{""}
	if !kit.IsSystem(actor) {
		paths = actor.ScopesAs(household.ApproverRoles...)
	}
	g := &grids{byCode: map[string]*org.Unit{}, byName: map[string][]*org.Unit{}}
	for _, p := range paths {
		us, err := store.ListUnits(ctx, tx, p)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if u.Kind != org.KindGrid || !u.Active || g.byCode[u.Code] != nil {
				continue
			}
			g.byCode[u.Code] = u
			g.byName[u.Name] = append(g.byName[u.Name], u)
		}
	}
	return g, nil
}

// find returns the grid a row names, or the reason it names none.
func (g *grids) find(s string) (*org.Unit, string) {
	if u := g.byCode[s]; u != nil {
		return u, ""
	}
	switch us := g.byName[s]; len(us) {
	case 0:
		return nil, household.ProblemGridUnknown
	case 1:
		return us[0], ""
	}
	return nil, household.ProblemGridAmbiguous
}

// checkRows checks rows against the registry: their grid, and people
// already in a household.
func checkRows(ctx context.Context, tx *store.Tx, g *grids, rows []household.ImportRow) ([]household.ImportProblem, error) {
	var ids []string
	for _, r := range rows {
		for _, m := range r.Household.Members {
			if personal.ValidIDNumber(m.IDNumber) {
				ids = append(ids, m.IDNumber)
			}
		}
	}
	known, err := store.RegisteredIDNumbers(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var ps []household.ImportProblem
	for _, r := range rows {
		if r.Grid != "" {
			if _, why := g.find(r.Grid); why != "" {
				ps = append(ps, household.ImportProblem{Row: r.Row, Column: household.ColGrid, Reason: why})
			}
		}
		for i, m := range r.Household.Members {
			if h, ok := known[m.IDNumber]; ok {
				ps = append(ps, household.ImportProblem{Row: r.Row, Column: r.Columns[i], Reason: household.ProblemRegistered, Household: h})
			}
		}
	}
	return ps, nil
}

// CheckImport checks the next ImportChunk rows of an import against the
// registry and returns where it stands; once every row is checked the
// import is ready, or refused when any row has a problem (an audit entry
// "check" tells which). An import no longer checking is returned as it is.
func (s *Service) CheckImport(ctx context.Context, actor *org.User, id int64) (*household.Import, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return nil, err
	}
	var out *household.Import
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		im, err := loadImport(ctx, tx, actor, id)
		if err != nil || im.Status != household.ImportChecking {
			out = im
			return err
		}
		g, err := importerGrids(ctx, tx, actor)
		if err != nil {
			return err
		}
		next := min(im.Checked+household.ImportChunk, im.Total)
		ps, err := checkRows(ctx, tx, g, im.Rows[im.Checked:next])
		if err != nil {
			return err
		}
		im.Problems = append(im.Problems, ps...)
		im.Checked = next
		if im.Checked == im.Total {
			slices.SortStableFunc(im.Problems, func(a, b household.ImportProblem) int { return a.Row - b.Row })
			im.Status = household.ImportReady
			if len(im.Problems) > 0 {
				im.Status = household.ImportRefused
			}
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectImport, ObjectID: im.ID, Action: "check",
				Data: map[string]string{"status": string(im.Status), "rows": strconv.Itoa(im.Total),
					"problems": strconv.Itoa(len(im.Problems))}}); err != nil {
				return err
			}
		}
		out = im
		return store.UpdateImport(ctx, tx, im)
	})
	return out, err
}

// ConfirmImport registers every household of a ready import, in one
// transaction: a row that fails now (someone registered the person
// meanwhile) refuses the whole import (ECONFLICT naming the row) and
// nothing is written. Each household's "register" event names the import.
func (s *Service) ConfirmImport(ctx context.Context, actor *org.User, id int64) (*household.Import, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return nil, err
	}
	var out *household.Import
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		im, err := loadImport(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if im.Status != household.ImportReady {
			return minsheng.Errorf(minsheng.ECONFLICT, "the import is %s, not ready", im.Status)
		}
		g, err := importerGrids(ctx, tx, actor)
		if err != nil {
			return err
		}
		now := s.now()
		extra := map[string]string{"import": strconv.FormatInt(im.ID, 10)}
		for _, r := range im.Rows {
			grid, why := g.find(r.Grid)
			if why != "" {
				return minsheng.Errorf(minsheng.ECONFLICT, "row %d: the grid is not one of yours (%s); upload the file again", r.Row, why)
			}
			in := r.Household
			in.GridID = grid.ID
			if err := in.Validate(now); err != nil {
				return minsheng.Errorf(minsheng.ECONFLICT, "row %d: %s; upload the file again", r.Row, minsheng.ErrorMessage(err))
			}
			if _, err := s.registerTx(ctx, tx, actor, grid, in, now, extra); err != nil {
				if minsheng.IsCode(err, minsheng.EINVALID) {
					return minsheng.Errorf(minsheng.ECONFLICT, "row %d: %s; upload the file again", r.Row, minsheng.ErrorMessage(err))
				}
				return err
			}
		}
		im.Status, im.Households, im.DoneAt = household.ImportDone, len(im.Rows), &now
		out = im
		return store.UpdateImport(ctx, tx, im)
	})
	return out, err
}

// ImportView is an import as its page shows it: the import, and rows of
// it to look at, masked — those with a problem first, then the first
// rows, PreviewRows at most.
type ImportView struct {
	*household.Import
	Preview []PreviewRow `json:"preview"`
}

// PreviewRow is one row of an import, masked.
type PreviewRow struct {
	Row      int                       `json:"row"`
	Head     string                    `json:"head"`      // the head's name, masked
	IDNumber string                    `json:"id_number"` // the head's, masked
	Address  string                    `json:"address"`
	Grid     string                    `json:"grid"`
	Members  int                       `json:"members"`
	Tags     []household.Tag           `json:"tags"`
	Problems []household.ImportProblem `json:"problems"`
}

// PreviewRows is how many rows an import's view shows.
const PreviewRows = 200

// GetImport returns an import its importer uploaded, with its preview.
func (s *Service) GetImport(ctx context.Context, actor *org.User, id int64) (*ImportView, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return nil, err
	}
	var im *household.Import
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		im, err = loadImport(ctx, tx, actor, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return viewOf(im), nil
}

func viewOf(im *household.Import) *ImportView {
	v := &ImportView{Import: im, Preview: []PreviewRow{}}
	byRow := map[int][]household.ImportProblem{}
	for _, p := range im.Problems {
		byRow[p.Row] = append(byRow[p.Row], p)
	}
	add := func(r household.ImportRow) {
		p := PreviewRow{Row: r.Row, Address: r.Household.Address, Grid: r.Grid, Members: len(r.Household.Members),
			Tags: []household.Tag{}, Problems: byRow[r.Row]}
		if p.Problems == nil {
			p.Problems = []household.ImportProblem{}
		}
		if len(r.Household.Members) > 0 {
			p.Head, p.IDNumber = personal.MaskName(r.Household.Members[0].Name), personal.MaskIDNumber(r.Household.Members[0].IDNumber)
		}
		for _, t := range r.Household.Tags {
			p.Tags = append(p.Tags, t.Tag)
		}
		v.Preview = append(v.Preview, p)
	}
	for _, r := range im.Rows {
		if len(v.Preview) < PreviewRows && byRow[r.Row] != nil {
			add(r)
		}
	}
	for _, r := range im.Rows {
		if len(v.Preview) < PreviewRows && byRow[r.Row] == nil {
			add(r)
		}
	}
	slices.SortFunc(v.Preview, func(a, b PreviewRow) int { return a.Row - b.Row })
	return v
}

// ImportTemplate is the empty household list to fill in: the header row,
// one example row and a sheet that explains the columns.
func ImportTemplate() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "住户名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // @: text, so that ID numbers keep their 18 digits
	if err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	cols := household.ImportColumns()
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetColStyle(sheet, "A:"+last, text); err != nil {
		return nil, err
	}
	if err := f.SetColWidth(sheet, "A", last, 16); err != nil {
		return nil, err
	}
	example := map[string]string{household.ColHeadName: "马秀英", household.ColIDNumber: household.CompleteIDNumber("63010419480312002"),
		household.ColPhone: "13897001234", household.ColAddress: "海湖佳苑 3 号楼 2 单元 401", household.ColGrid: "网格编码或名称",
		household.MemberColumn(1, household.MemberName): "韩立新", household.MemberColumn(1, household.MemberIDNumber): household.CompleteIDNumber("63010419460705001"),
		household.MemberColumn(1, household.MemberRelation): "配偶", household.ColTags: "独居老人、低保", household.ColSource: "民政低保名册"}
	for i, c := range cols {
		a, _ := excelize.CoordinatesToCellName(i+1, 1)
		b, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellStr(sheet, a, c); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(sheet, b, example[c]); err != nil {
			return nil, err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return nil, err
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	var relations, tags []string
	for k := range household.RelationLabels {
		relations = append(relations, k)
	}
	for k := range household.TagLabels {
		tags = append(tags, k)
	}
	slices.Sort(relations)
	slices.Sort(tags)
	lines := [][2]string{
		{"列", "说明"},
		{household.ColHeadName, "必填。每行一户，户主在前。"},
		{household.ColIDNumber, "必填。户主的 18 位公民身份号码（含校验位），单元格请设为文本。"},
		{household.ColPhone, "选填。户主的手机或固定电话。"},
		{household.ColAddress, "必填。住址，不超过 200 字。"},
		{household.ColGrid, "必填。所在网格的编码或名称（须为您所辖的网格）。"},
		{"成员N姓名 / 成员N身份证号 / 成员N关系 / 成员N电话", "选填。其他家庭成员，每人一组列，N 从 1 起，可按需增加列组（每户至多 " + strconv.Itoa(household.MaxMembers) + " 人）。关系可填：" + strings.Join(relations, "、") + "。"},
		{household.ColTags, "选填。本户的关爱标签，多个用顿号分隔：" + strings.Join(tags, "、") + "。"},
		{household.ColSource, "选填。标签来源，如“民政低保名册”；不填记为“" + household.ImportSource + "”。标签自导入之日起，一年后复核。"},
		{"整体", "上传后先逐行检查：身份证号校验位、同一人重复、已在其他户、网格不存在等。任何一行有误，整个文件都不写入；改正后重新上传。"},
	}
	for i, l := range lines {
		f.SetCellStr(help, "A"+strconv.Itoa(i+1), l[0])
		f.SetCellStr(help, "B"+strconv.Itoa(i+1), l[1])
	}
	f.SetColWidth(help, "A", "A", 36)
	f.SetColWidth(help, "B", "B", 100)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MaxExportRows is the most households an export holds.
const MaxExportRows = 50000

// Export returns the households of a grid, or of every unit the actor
// sees (gridID 0), as a table in the columns of the import (masked: the
// names, ID numbers and phones as every page shows them), with the visit
// plan after them.
func (s *Service) Export(ctx context.Context, actor *org.User, gridID int64) (*app.Table, error) {
	t := &app.Table{Name: "住户名单", Title: "住户名单（脱敏）",
		Columns: []string{household.ColHeadName, household.ColIDNumber, household.ColPhone, household.ColAddress, household.ColGrid,
			"成员", household.ColTags, "走访周期（天）", "最近走访", "下次应访"}}
	names := map[int64]string{}
	unitName := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		s.kit.Read(ctx, func(tx *store.Tx) error {
			u, err := store.GetUnit(ctx, tx, id)
			if err == nil {
				names[id] = u.Name
			}
			return err
		})
		return names[id]
	}
	for off := 0; off < MaxExportRows; off += 500 {
		hs, err := s.List(ctx, actor, gridID, 500, off)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			var head household.Person
			if p := h.Head(); p != nil {
				head = *p
			}
			var members, tags []string
			for _, p := range h.Members {
				if p.Relation != household.RelationHead {
					members = append(members, p.Name)
				}
			}
			for _, tg := range h.Tags {
				for label, x := range household.TagLabels {
					if x == tg.Tag && !slices.Contains(tags, label) {
						tags = append(tags, label)
					}
				}
			}
			var last any
			if h.LastVisitAt != nil {
				last = *h.LastVisitAt
			}
			t.Rows = append(t.Rows, []any{head.Name, head.IDNumber, head.Phone, h.Address, unitName(h.UnitID),
				strings.Join(members, "、"), strings.Join(tags, "、"), int64(h.IntervalDays), last, h.NextDueAt})
		}
		if len(hs) < 500 {
			break
		}
	}
	return t, nil
}

// JobExpireImports is the daily job that clears the rows of imports left
// unconfirmed (ExpireImports).
const JobExpireImports = "households.import_expire"

// ExpireImports clears the rows (personal data) of the imports not done
// within household.ImportKeep, in the job's transaction: each becomes
// expired, its problems kept, with an "expire" entry by the system.
func (s *Service) ExpireImports(ctx context.Context, tx *store.Tx) error {
	ids, err := store.StaleImports(ctx, tx, s.now().Add(-household.ImportKeep))
	if err != nil {
		return err
	}
	for _, id := range ids {
		im, err := store.GetImport(ctx, tx, id)
		if err != nil {
			return err
		}
		from := im.Status
		im.Status, im.Rows = household.ImportExpired, nil
		if err := store.UpdateImport(ctx, tx, im); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectImport, ObjectID: id, Action: "expire",
			Data: map[string]string{"status": string(from)}}); err != nil {
			return err
		}
	}
	return nil
}
