package household

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/personal"
)

// The household list as districts keep it in Excel: one row a household,
// the head first, then up to MaxMembers-1 other members in numbered column
// groups, then the household's tags. The header row names the columns;
// their order does not matter.
const (
	ColHeadName = "户主姓名"
	ColIDNumber = "身份证号" // the head's
	ColPhone    = "电话"   // the head's, optional
	ColAddress  = "地址"
	ColGrid     = "网格" // the grid's code or name
	ColTags     = "标签" // 独居老人、低保 … separated by 、，,；; or spaces
	ColSource   = "标签来源"
)

// Member columns are 成员<n>姓名, 成员<n>身份证号, 成员<n>关系, 成员<n>电话.
const (
	MemberName     = "姓名"
	MemberIDNumber = "身份证号"
	MemberRelation = "关系"
	MemberPhone    = "电话"
)

// MemberColumn names a member column group's column: MemberColumn(1,
// MemberName) is 成员1姓名.
func MemberColumn(n int, what string) string { return "成员" + strconv.Itoa(n) + what }

var memberColumn = regexp.MustCompile(`^成员([0-9]{1,2})(姓名|身份证号|关系|电话)$`)

// ImportColumns are the columns of the template: the required ones, the
// optional phone, three member groups and the tags.
func ImportColumns() []string {
	cols := []string{ColHeadName, ColIDNumber, ColPhone, ColAddress, ColGrid}
	for n := 1; n <= 3; n++ {
		cols = append(cols, MemberColumn(n, MemberName), MemberColumn(n, MemberIDNumber), MemberColumn(n, MemberRelation),
			MemberColumn(n, MemberPhone))
	}
	return append(cols, ColTags, ColSource)
}

// RequiredColumns must be in the header row.
var RequiredColumns = []string{ColHeadName, ColIDNumber, ColAddress, ColGrid}

// RelationLabels are the relations as a household list writes them.
var RelationLabels = map[string]Relation{
	"配偶": RelationSpouse, "妻": RelationSpouse, "夫": RelationSpouse, "妻子": RelationSpouse, "丈夫": RelationSpouse,
	"子女": RelationChild, "子": RelationChild, "女": RelationChild, "儿子": RelationChild, "女儿": RelationChild,
	"父母": RelationParent, "父亲": RelationParent, "母亲": RelationParent,
	"孙辈": RelationGrandchild, "孙子": RelationGrandchild, "孙女": RelationGrandchild, "外孙": RelationGrandchild, "外孙女": RelationGrandchild,
	"其他": RelationOther,
}

// TagLabels are the tags as the civil-affairs lists name them.
var TagLabels = map[string]Tag{
	"独居老人": TagAloneElderly, "失能": TagDisabledCare, "残疾": TagDisability, "低保": TagSubsistence,
	"特困": TagExtremePoverty, "留守儿童": TagLeftBehindChild, "重病": TagSeriousIllness,
}

// Limits of an import.
const (
	MaxImportRows  = 10000
	MaxImportBytes = 8 << 20
	// ImportChunk is how many rows one step of the check reads.
	ImportChunk = 500
	// ImportSource is a tag's source when the file gives none.
	ImportSource = "台账导入"
	// ImportRecheckMonths is when an imported tag must be checked again.
	ImportRecheckMonths = 12
)

// ImportRow is one row of a household list, read: the household as staff
// would register it (GridID worked out from Grid by the use case) and
// where each member came from.
type ImportRow struct {
	Row       int          `json:"row"`  // the spreadsheet's row number (the header is row 1)
	Grid      string       `json:"grid"` // the grid as written: code or name
	Household NewHousehold `json:"household"`
	// Columns[i] is the ID-number column of Household.Members[i].
	Columns []string `json:"columns"`
}

// ImportProblem is what is wrong with one cell of a row (Column empty:
// the row as a whole). Reason is a stable code, worded by the pages; no
// personal data is kept in it.
type ImportProblem struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
	// Household is the household a person already belongs to
	// (reason registered).
	Household int64 `json:"household,omitempty"`
}

// Reasons of import problems.
const (
	ProblemRequired       = "required"         // a required cell is empty
	ProblemTooLong        = "too_long"         // a name or an address is too long
	ProblemIDNumber       = "id_number"        // not a resident ID number (length or check digit)
	ProblemPhone          = "phone"            // not a phone number
	ProblemRelation       = "relation"         // an unknown relation, or 户主 given to a member
	ProblemTag            = "tag"              // an unknown tag
	ProblemMemberTwice    = "member_twice"     // the same ID number twice in the row
	ProblemInOtherRow     = "in_other_row"     // the same ID number in another row of the file
	ProblemRegistered     = "registered"       // the person is in a household of the registry already
	ProblemGridUnknown    = "grid_unknown"     // no grid of yours has that code or name
	ProblemGridAmbiguous  = "grid_ambiguous"   // several grids of yours have that name: give the code
	ProblemTooManyMembers = "too_many_members" // more than MaxMembers
)

// ProblemReasons lists every reason, for the pages' texts.
var ProblemReasons = []string{ProblemRequired, ProblemTooLong, ProblemIDNumber, ProblemPhone, ProblemRelation, ProblemTag,
	ProblemMemberTwice, ProblemInOtherRow, ProblemRegistered, ProblemGridUnknown, ProblemGridAmbiguous, ProblemTooManyMembers}

// memberCols are the columns of one member group, by what they hold.
type memberCols struct{ name, id, relation, phone int }

// ParseImport reads the rows of a household list's first sheet (the
// header first) into households, with the problems each row has on its
// own and across the file. A header that lacks a required column or
// holds a column it does not know is refused as a whole (EINVALID on
// "file", reason import_columns, the message naming them); so are an
// empty list and one of more than MaxImportRows rows.
func ParseImport(sheet [][]string, now time.Time) ([]ImportRow, []ImportProblem, error) {
	if len(sheet) == 0 {
		return nil, nil, minsheng.FieldError("file", "the file holds no sheet with a header row").Because("import_empty")
	}
	col := map[string]int{}
	groups := map[int]*memberCols{}
	var unknown, missing []string
	for i, h := range sheet[0] {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, dup := col[h]; dup {
			unknown = append(unknown, h+"（重复）")
			continue
		}
		col[h] = i
		if m := memberColumn.FindStringSubmatch(h); m != nil {
			n, _ := strconv.Atoi(m[1])
			g := groups[n]
			if g == nil {
				g = &memberCols{-1, -1, -1, -1}
				groups[n] = g
			}
			switch m[2] {
			case MemberName:
				g.name = i
			case MemberIDNumber:
				g.id = i
			case MemberRelation:
				g.relation = i
			case MemberPhone:
				g.phone = i
			}
			continue
		}
		if !slices.Contains(ImportColumns(), h) {
			unknown = append(unknown, h)
		}
	}
	for _, c := range RequiredColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	var order []int
	for n, g := range groups {
		if g.name < 0 || g.id < 0 || g.relation < 0 {
			missing = append(missing, MemberColumn(n, MemberName)+"/"+MemberColumn(n, MemberIDNumber)+"/"+MemberColumn(n, MemberRelation))
		}
		order = append(order, n)
	}
	slices.Sort(order)
	if len(order) > MaxMembers-1 {
		unknown = append(unknown, MemberColumn(order[MaxMembers-1], ""))
	}
	if len(unknown) > 0 || len(missing) > 0 {
		return nil, nil, minsheng.FieldError("file", "wrong columns: missing [%s], unknown [%s]; the columns are %s",
			strings.Join(missing, " "), strings.Join(unknown, " "), strings.Join(ImportColumns(), " ")).Because("import_columns")
	}

	var rows []ImportRow
	var problems []ImportProblem
	for i, cells := range sheet[1:] {
		if blank(cells) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, nil, minsheng.FieldError("file", "at most %d households a file", MaxImportRows).Because("import_too_many_rows")
		}
		r, ps := parseRow(i+2, cells, col, groups, order, now)
		rows, problems = append(rows, r), append(problems, ps...)
	}
	if len(rows) == 0 {
		return nil, nil, minsheng.FieldError("file", "the file holds no household below its header row").Because("import_empty")
	}
	return rows, append(problems, CrossCheck(rows)...), nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow reads one row and the problems it has on its own.
func parseRow(n int, cells []string, col map[string]int, groups map[int]*memberCols, order []int, now time.Time) (ImportRow, []ImportProblem) {
	cell := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	at := func(name string) string {
		i, ok := col[name]
		if !ok {
			return ""
		}
		return cell(i)
	}
	var ps []ImportProblem
	bad := func(column, reason string) { ps = append(ps, ImportProblem{Row: n, Column: column, Reason: reason}) }
	r := ImportRow{Row: n, Grid: at(ColGrid)}
	h := &r.Household
	h.Address, h.Consent = at(ColAddress), true
	switch {
	case r.Grid == "":
		bad(ColGrid, ProblemRequired)
	}
	switch {
	case h.Address == "":
		bad(ColAddress, ProblemRequired)
	case utf8.RuneCountInString(h.Address) > MaxAddress:
		bad(ColAddress, ProblemTooLong)
	}
	member := func(m NewMember, nameCol, idCol, phoneCol, relCol string) {
		m.Normalize()
		switch {
		case m.Name == "":
			bad(nameCol, ProblemRequired)
		case utf8.RuneCountInString(m.Name) > MaxName:
			bad(nameCol, ProblemTooLong)
		}
		switch {
		case m.IDNumber == "":
			bad(idCol, ProblemRequired)
		case !personal.ValidIDNumber(m.IDNumber):
			bad(idCol, ProblemIDNumber)
		case slices.ContainsFunc(h.Members, func(o NewMember) bool { return o.IDNumber == m.IDNumber }):
			bad(idCol, ProblemMemberTwice)
		}
		if m.Phone != "" && !personal.ValidPhone(m.Phone) {
			bad(phoneCol, ProblemPhone)
		}
		if !m.Relation.Valid() {
			bad(relCol, ProblemRelation)
		}
		h.Members = append(h.Members, m)
		r.Columns = append(r.Columns, idCol)
	}
	member(NewMember{Name: at(ColHeadName), IDNumber: at(ColIDNumber), Phone: at(ColPhone), Relation: RelationHead},
		ColHeadName, ColIDNumber, ColPhone, ColHeadName)
	for _, g := range order {
		c := groups[g]
		name, id, rel, phone := cell(c.name), cell(c.id), cell(c.relation), cell(c.phone)
		if name == "" && id == "" && rel == "" && phone == "" {
			continue
		}
		relation, ok := RelationLabels[rel]
		if !ok && rel != "" {
			relation = Relation(rel) // the codes are taken too; an unknown one is refused
			if relation == RelationHead {
				relation = "户主"
			}
		}
		if rel == "" {
			bad(MemberColumn(g, MemberRelation), ProblemRequired)
			relation = RelationOther
		}
		member(NewMember{Name: name, IDNumber: id, Phone: phone, Relation: relation},
			MemberColumn(g, MemberName), MemberColumn(g, MemberIDNumber), MemberColumn(g, MemberPhone), MemberColumn(g, MemberRelation))
	}
	if len(h.Members) > MaxMembers {
		bad("", ProblemTooManyMembers)
	}
	source := at(ColSource)
	if source == "" {
		source = ImportSource
	}
	if utf8.RuneCountInString(source) > MaxTagSource {
		bad(ColSource, ProblemTooLong)
	}
	day := Day(now)
	for _, label := range tagSep.Split(at(ColTags), -1) {
		if label == "" {
			continue
		}
		t, ok := TagLabels[label]
		if !ok && Tag(label).Valid() {
			t, ok = Tag(label), true
		}
		if !ok {
			bad(ColTags, ProblemTag)
			continue
		}
		if slices.ContainsFunc(h.Tags, func(o NewTag) bool { return o.Tag == t }) {
			continue
		}
		h.Tags = append(h.Tags, NewTag{Tag: t, Source: source, Since: day, RecheckBy: day.AddDate(0, ImportRecheckMonths, 0)})
	}
	return r, ps
}

var tagSep = regexp.MustCompile(`[、，,；;\s]+`)

// CrossCheck finds the people entered in more than one row: each row
// after the first that holds the ID number has a problem on its column.
func CrossCheck(rows []ImportRow) []ImportProblem {
	first := map[string]int{}
	var ps []ImportProblem
	for _, r := range rows {
		for i, m := range r.Household.Members {
			if !personal.ValidIDNumber(m.IDNumber) {
				continue
			}
			if row, ok := first[m.IDNumber]; ok && row != r.Row {
				ps = append(ps, ImportProblem{Row: r.Row, Column: r.Columns[i], Reason: ProblemInOtherRow})
				continue
			}
			first[m.IDNumber] = r.Row
		}
	}
	return ps
}

// ImportStatus is where an import stands.
type ImportStatus string

// Import statuses: its rows are checked in steps (checking), then it is
// ready to be written, or refused when any row has a problem; once
// written it is done. Nothing is written but by the step from ready to
// done, in one transaction. An import not done within ImportKeep expires:
// its rows (personal data) are cleared.
const (
	ImportChecking ImportStatus = "checking"
	ImportReady    ImportStatus = "ready"
	ImportRefused  ImportStatus = "refused"
	ImportDone     ImportStatus = "done"
	ImportExpired  ImportStatus = "expired"
)

// ImportKeep is how long the rows of an import not done are kept.
const ImportKeep = 48 * time.Hour

// Import is an upload of a household list.
type Import struct {
	ID         int64           `json:"id"`
	CreatedBy  int64           `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	Filename   string          `json:"filename,omitempty"`
	Status     ImportStatus    `json:"status"`
	Total      int             `json:"total"`   // households (rows) in the file
	Checked    int             `json:"checked"` // rows checked so far
	Problems   []ImportProblem `json:"problems"`
	Households int             `json:"households,omitempty"` // registered, once done
	DoneAt     *time.Time      `json:"done_at,omitempty"`
	Rows       []ImportRow     `json:"-"`
}

// Progress is the share of the rows checked, in whole percent.
func (i *Import) Progress() int {
	if i.Total == 0 {
		return 100
	}
	return i.Checked * 100 / i.Total
}
