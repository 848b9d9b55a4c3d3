package employ

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/personal"
)

// Kind is the kind of work a post offers and a seeker wants.
type Kind string

// Kinds.
const (
	KindFullTime Kind = "full_time"
	KindPartTime Kind = "part_time"
	KindGig      Kind = "gig" // 零工: same-day work, expiring at the end of its day
)

// Kinds lists the kinds in order.
var Kinds = []Kind{KindFullTime, KindPartTime, KindGig}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Employer is a company or organisation that posts jobs. Staff verify it
// (its credit code and contact) before its posts are reviewed; while it is
// flagged for owing wages (欠薪) it cannot post.
type Employer struct {
	ID           int64      `json:"id,string"`
	Name         string     `json:"name"`
	CreditCode   string     `json:"credit_code"` // 统一社会信用代码
	ContactName  string     `json:"contact_name"`
	ContactPhone string     `json:"contact_phone"`
	Area         string     `json:"area"`
	UserID       int64      `json:"user_id,string,omitempty"` // the employer's account, when it signs in
	VerifiedAt   *time.Time `json:"verified_at,omitempty"`
	Arrears      bool       `json:"arrears"` // flagged for owing wages
	ArrearsNote  string     `json:"arrears_note,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	Version      int        `json:"version"`
}

// Verified reports whether staff verified the employer.
func (e *Employer) Verified() bool { return e.VerifiedAt != nil }

// Masked returns the employer with its contact's name and phone masked.
func (e Employer) Masked() Employer {
	e.ContactName, e.ContactPhone = personal.MaskName(e.ContactName), personal.MaskPhone(e.ContactPhone)
	return e
}

// Post is a job post.
type Post struct {
	ID         int64      `json:"id,string"`
	EmployerID int64      `json:"employer_id,string"`
	Employer   string     `json:"employer"` // its name
	Title      string     `json:"title"`
	Occupation string     `json:"occupation"` // 职业分类大典 code: a major group "4" or below it "4-03-02"
	Kind       Kind       `json:"kind"`
	SalaryMin  int        `json:"salary_min"` // yuan a month (a day for a gig)
	SalaryMax  int        `json:"salary_max"`
	Hours      string     `json:"hours"` // working hours as the employer writes them
	Area       string     `json:"area"`  // the street or place of work
	Place      string     `json:"place"`
	Openings   int        `json:"openings"`
	Needs      string     `json:"requirements"`
	WorkDay    *time.Time `json:"work_day,omitempty"` // a gig's day
	Status     PostStatus `json:"status"`
	Note       string     `json:"note,omitempty"` // why review sent it back
	Published  *time.Time `json:"published_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Reminded   bool       `json:"reminded"` // the employer was told it expires soon
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int        `json:"version"`
}

// Seeker is a resident looking for work, registered by themselves or by
// a caseworker. Their name and phone are personal data.
type Seeker struct {
	ID         int64      `json:"id,string"`
	Name       string     `json:"name"`
	Phone      string     `json:"phone"`
	IDNumber   string     `json:"id_number,omitempty"` // optional: finds the person in the household registry
	Skills     []string   `json:"skills"`              // occupation codes
	Kinds      []Kind     `json:"kinds"`               // the kinds of work wanted
	Area       string     `json:"area"`
	SalaryMin  int        `json:"salary_min"` // the least they would take, yuan a month (0: any)
	Hard       bool       `json:"hard"`       // 就业困难: entitled to employment assistance
	Consent    bool       `json:"consent"`    // may be contacted about jobs
	Subscribed bool       `json:"subscribed"` // wants new matching posts by SMS
	UserID     int64      `json:"user_id,string,omitempty"`
	Caseworker int64      `json:"caseworker_id,string,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	PlacedAt   *time.Time `json:"placed_at,omitempty"` // hired in a full-time post, not yet left
	Version    int        `json:"version"`
}

// Masked returns the seeker with name and phone masked.
func (s Seeker) Masked() Seeker {
	s.Name, s.Phone, s.IDNumber = personal.MaskName(s.Name), personal.MaskPhone(s.Phone), personal.MaskIDNumber(s.IDNumber)
	return s
}

// Application is a seeker's application to a post.
type Application struct {
	ID        int64      `json:"id,string"`
	PostID    int64      `json:"post_id,string"`
	SeekerID  int64      `json:"seeker_id,string"`
	Status    AppStatus  `json:"status"`
	Score     int        `json:"score"` // the match when applying
	Note      string     `json:"note,omitempty"`
	AppliedAt time.Time  `json:"applied_at"`
	HiredAt   *time.Time `json:"hired_at,omitempty"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int        `json:"version"`
}

// FollowUp is one follow-up of an assisted placement.
type FollowUp struct {
	ApplicationID int64      `json:"application_id,string"`
	SeekerID      int64      `json:"seeker_id,string"`
	Month         int        `json:"month"`
	Due           time.Time  `json:"due"`
	DoneAt        *time.Time `json:"done_at,omitempty"`
	Outcome       Outcome    `json:"outcome,omitempty"`
	Note          string     `json:"note,omitempty"`
}

// Occupation major groups of the 职业分类大典 (2022 edition).
var MajorGroups = []string{"1", "2", "3", "4", "5", "6", "7", "8"}

var occupationRE = regexp.MustCompile(`^[1-8](-\d{2}){0,3}$`)

// ValidOccupation reports whether code is a major group ("4") or a code
// below one ("4-03-02", "6-01-02-01").
func ValidOccupation(code string) bool { return occupationRE.MatchString(code) }

// MajorGroup returns the major group of an occupation code.
func MajorGroup(code string) string {
	if code == "" {
		return ""
	}
	return code[:1]
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// CheckEmployer returns an EINVALID error naming the first field at fault.
func CheckEmployer(e *Employer) error {
	switch {
	case strings.TrimSpace(e.Name) == "" || tooLong(e.Name, 100):
		return minsheng.FieldError("name", "the employer's name is required, at most 100 characters")
	case e.CreditCode == "":
		return minsheng.FieldError("credit_code", "the unified social credit code is required").Because("credit_code_required")
	case !creditcode.Valid(e.CreditCode):
		return minsheng.FieldError("credit_code", "%q is not a valid unified social credit code (18 characters, check character last)", e.CreditCode).Because("credit_code_invalid")
	case strings.TrimSpace(e.ContactName) == "" || tooLong(e.ContactName, 50):
		return minsheng.FieldError("contact_name", "the contact's name is required")
	case !personal.ValidPhone(e.ContactPhone):
		return minsheng.FieldError("contact_phone", "the contact's phone is required: a mobile or landline number").Because("phone_required")
	case tooLong(e.Area, 100):
		return minsheng.FieldError("area", "at most 100 characters")
	}
	return nil
}

// CheckPost returns an EINVALID error naming the first field at fault.
// today is the day (China midnight) the post is written, for a gig's day.
func CheckPost(p *Post, today time.Time) error {
	switch {
	case strings.TrimSpace(p.Title) == "" || tooLong(p.Title, 100):
		return minsheng.FieldError("title", "a title of at most 100 characters is required")
	case !ValidOccupation(p.Occupation):
		return minsheng.FieldError("occupation", "an occupation code of the 职业分类大典 is required (a major group 1–8, or below it as 4-03-02)").Because("occupation_invalid")
	case !p.Kind.Valid():
		return minsheng.FieldError("kind", "the kind is full_time, part_time or gig")
	case p.SalaryMin <= 0 || p.SalaryMax <= 0:
		return minsheng.FieldError("salary_min", "the salary range is required").Because("salary_required")
	case p.SalaryMin > p.SalaryMax:
		return minsheng.FieldError("salary_max", "the highest salary (%d) is below the lowest (%d)", p.SalaryMax, p.SalaryMin).Because("salary_range")
	case p.SalaryMax > 1000000:
		return minsheng.FieldError("salary_max", "the salary is out of range").Because("salary_range")
	case strings.TrimSpace(p.Area) == "" || tooLong(p.Area, 100):
		return minsheng.FieldError("area", "the area of work is required")
	case tooLong(p.Hours, 100):
		return minsheng.FieldError("hours", "at most 100 characters")
	case tooLong(p.Place, 200):
		return minsheng.FieldError("place", "at most 200 characters")
	case tooLong(p.Needs, 2000):
		return minsheng.FieldError("requirements", "at most 2000 characters")
	case p.Openings < 1 || p.Openings > 1000:
		return minsheng.FieldError("openings", "openings are 1 to 1000")
	}
	if p.Kind == KindGig {
		if p.WorkDay == nil {
			return minsheng.FieldError("work_day", "a gig needs its work day").Because("gig_day")
		}
		if Day(*p.WorkDay).Before(Day(today)) {
			return minsheng.FieldError("work_day", "a gig's day cannot be in the past").Because("gig_day")
		}
	} else if p.WorkDay != nil {
		p.WorkDay = nil
	}
	return nil
}

// CheckSeeker returns an EINVALID error naming the first field at fault.
func CheckSeeker(s *Seeker) error {
	switch {
	case strings.TrimSpace(s.Name) == "" || tooLong(s.Name, 50):
		return minsheng.FieldError("name", "the name is required")
	case !personal.ValidPhone(s.Phone):
		return minsheng.FieldError("phone", "a phone number is required").Because("phone_required")
	case s.IDNumber != "" && !personal.ValidIDNumber(s.IDNumber):
		return minsheng.FieldError("id_number", "%q is not a valid ID number", personal.MaskIDNumber(s.IDNumber))
	case len(s.Skills) == 0 || len(s.Skills) > 10:
		return minsheng.FieldError("skills", "one to ten occupation codes are required").Because("occupation_invalid")
	case len(s.Kinds) == 0:
		return minsheng.FieldError("kinds", "say which kinds of work are wanted")
	case strings.TrimSpace(s.Area) == "" || tooLong(s.Area, 100):
		return minsheng.FieldError("area", "the area is required")
	case s.SalaryMin < 0 || s.SalaryMin > 1000000:
		return minsheng.FieldError("salary_min", "the salary is out of range").Because("salary_range")
	case s.Subscribed && !s.Consent:
		return minsheng.FieldError("consent", "pushes need the seeker's consent to be contacted").Because("push_consent_required")
	}
	for _, c := range s.Skills {
		if !ValidOccupation(c) {
			return minsheng.FieldError("skills", "%q is not an occupation code", c).Because("occupation_invalid")
		}
	}
	for _, k := range s.Kinds {
		if !k.Valid() {
			return minsheng.FieldError("kinds", "unknown kind %q", k)
		}
	}
	return nil
}
