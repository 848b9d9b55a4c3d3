// Package employ is the domain of the district's job matching (城西e就业):
// employers verified by staff and flagged when they owe wages (欠薪), job
// posts with their lifecycle and expiry, same-day gigs (零工), seekers,
// applications with their lifecycle, the matching score with its reasons,
// and the follow-ups of an assisted placement (就业援助). Pure Go, no I/O;
// the use cases are in app/employ.
package employ

import (
	"slices"
	"time"

	"github.com/minsheng/minsheng"
)

// China is the zone in which days (expiry, a gig's work day) are counted.
var China = time.FixedZone("CST", 8*3600)

// PostStatus is where a job post stands.
type PostStatus string

// Post statuses.
const (
	PostDraft     PostStatus = "draft"
	PostInReview  PostStatus = "in_review"
	PostPublished PostStatus = "published"
	PostFilled    PostStatus = "filled"
	PostExpired   PostStatus = "expired"
	PostClosed    PostStatus = "closed"
)

// PostStatuses lists the post statuses in order.
var PostStatuses = []PostStatus{PostDraft, PostInReview, PostPublished, PostFilled, PostExpired, PostClosed}

// PostAction moves a post.
type PostAction string

// Post actions.
const (
	PostSubmit  PostAction = "submit"  // the employer sends the draft to review
	PostApprove PostAction = "approve" // staff publish it
	PostReject  PostAction = "reject"  // staff send it back to draft, with the reason
	PostFill    PostAction = "fill"    // every opening is taken
	PostExpire  PostAction = "expire"  // the expiry job, at its day
	PostClose   PostAction = "close"   // the employer or staff withdraw it
	PostRepost  PostAction = "repost"  // one step back to published, for another period
)

// PostActions lists the post actions in order.
var PostActions = []PostAction{PostSubmit, PostApprove, PostReject, PostFill, PostExpire, PostClose, PostRepost}

// Who acts on a post.
type Party string

// Parties.
const (
	ByEmployer Party = "employer"
	ByStaff    Party = "staff"
	BySystem   Party = "system"
	BySeeker   Party = "seeker"
)

type postRule struct {
	from     []PostStatus
	to       PostStatus
	by       []Party
	needNote bool
}

// postRules is the post lifecycle in one table. The system (the expiry
// job, the shell, the demo) may do what staff may.
var postRules = map[PostAction]postRule{
	PostSubmit:  {from: []PostStatus{PostDraft}, to: PostInReview, by: []Party{ByEmployer, ByStaff}},
	PostApprove: {from: []PostStatus{PostInReview}, to: PostPublished, by: []Party{ByStaff}},
	PostReject:  {from: []PostStatus{PostInReview}, to: PostDraft, by: []Party{ByStaff}, needNote: true},
	PostFill:    {from: []PostStatus{PostPublished}, to: PostFilled, by: []Party{ByEmployer, ByStaff}},
	PostExpire:  {from: []PostStatus{PostPublished}, to: PostExpired, by: []Party{BySystem}},
	PostClose:   {from: []PostStatus{PostDraft, PostInReview, PostPublished}, to: PostClosed, by: []Party{ByEmployer, ByStaff}},
	PostRepost:  {from: []PostStatus{PostExpired, PostClosed, PostFilled}, to: PostPublished, by: []Party{ByEmployer, ByStaff}},
}

// NextPost returns the status a post action leads to: EINVALID for an
// unknown action, EFORBIDDEN when the party may not take it, ECONFLICT when
// it is not allowed from the status.
func NextPost(from PostStatus, a PostAction, by Party) (PostStatus, error) {
	r, ok := postRules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a).Because("unknown_action")
	}
	if by != BySystem && !slices.Contains(r.by, by) {
		return "", minsheng.Errorf(minsheng.EFORBIDDEN, "a %s may not %s a post", by, a)
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s a post that is %s", a, from).Because("post_state")
	}
	return r.to, nil
}

// PostNeedsNote reports whether the action needs a note (a rejection its
// reason).
func PostNeedsNote(a PostAction) bool { return postRules[a].needNote }

// PostActionsFor lists the actions the party may take on a post in the
// status, in order: the buttons of a page.
func PostActionsFor(from PostStatus, by Party) []PostAction {
	out := []PostAction{}
	for _, a := range PostActions {
		if a == PostExpire {
			continue
		}
		if _, err := NextPost(from, a, by); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// AppStatus is where an application stands.
type AppStatus string

// Application statuses.
const (
	AppApplied   AppStatus = "applied"
	AppViewed    AppStatus = "viewed"
	AppInterview AppStatus = "interview"
	AppOffer     AppStatus = "offer"
	AppHired     AppStatus = "hired"
	AppRejected  AppStatus = "rejected"
	AppWithdrawn AppStatus = "withdrawn"
	AppLeft      AppStatus = "left" // hired, and the job has ended
)

// AppStatuses lists the application statuses in order.
var AppStatuses = []AppStatus{AppApplied, AppViewed, AppInterview, AppOffer, AppHired, AppRejected, AppWithdrawn, AppLeft}

// Open reports whether an application is still in progress.
func (s AppStatus) Open() bool {
	return s == AppApplied || s == AppViewed || s == AppInterview || s == AppOffer
}

// AppAction moves an application.
type AppAction string

// Application actions.
const (
	AppView      AppAction = "view"
	AppInvite    AppAction = "interview"
	AppMakeOffer AppAction = "offer"
	AppHire      AppAction = "hire"
	AppReject    AppAction = "reject"
	AppWithdraw  AppAction = "withdraw"
	AppEnd       AppAction = "end" // the job ended: the person is free for another full-time post
)

// AppActions lists the application actions in order.
var AppActions = []AppAction{AppView, AppInvite, AppMakeOffer, AppHire, AppReject, AppWithdraw, AppEnd}

type appRule struct {
	from []AppStatus
	to   AppStatus
	by   []Party
}

var open = []AppStatus{AppApplied, AppViewed, AppInterview, AppOffer}

// appRules is the application lifecycle in one table: the employer (or
// staff for them) moves it forward or rejects it; the seeker (or their
// caseworker) withdraws it.
var appRules = map[AppAction]appRule{
	AppView:      {from: []AppStatus{AppApplied}, to: AppViewed, by: []Party{ByEmployer, ByStaff}},
	AppInvite:    {from: []AppStatus{AppApplied, AppViewed}, to: AppInterview, by: []Party{ByEmployer, ByStaff}},
	AppMakeOffer: {from: []AppStatus{AppApplied, AppViewed, AppInterview}, to: AppOffer, by: []Party{ByEmployer, ByStaff}},
	AppHire:      {from: []AppStatus{AppOffer}, to: AppHired, by: []Party{ByEmployer, ByStaff}},
	AppReject:    {from: open, to: AppRejected, by: []Party{ByEmployer, ByStaff}},
	AppWithdraw:  {from: open, to: AppWithdrawn, by: []Party{BySeeker, ByStaff}},
	AppEnd:       {from: []AppStatus{AppHired}, to: AppLeft, by: []Party{ByEmployer, BySeeker, ByStaff}},
}

// NextApp returns the status an application action leads to, with the
// errors of NextPost.
func NextApp(from AppStatus, a AppAction, by Party) (AppStatus, error) {
	r, ok := appRules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a).Because("unknown_action")
	}
	if by != BySystem && !slices.Contains(r.by, by) {
		return "", minsheng.Errorf(minsheng.EFORBIDDEN, "a %s may not %s an application", by, a)
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s an application that is %s", a, from).Because("application_state")
	}
	return r.to, nil
}

// AppActionsFor lists the actions the party may take on an application in
// the status, in order.
func AppActionsFor(from AppStatus, by Party) []AppAction {
	out := []AppAction{}
	for _, a := range AppActions {
		if _, err := NextApp(from, a, by); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// Expiry: a published post lives ExpiryDays, and its employer is reminded
// RemindDays before its last day.
const (
	ExpiryDays = 30
	RemindDays = 3
)

// Day returns midnight (China) starting the day of t, in UTC.
func Day(t time.Time) time.Time {
	d := t.In(China)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, China).UTC()
}

// ExpiresAt is when a post published at now expires: the end of the
// ExpiryDays-th day (China), or for a gig the end of its work day.
func ExpiresAt(kind Kind, workDay *time.Time, now time.Time) time.Time {
	if kind == KindGig && workDay != nil {
		return Day(*workDay).AddDate(0, 0, 1)
	}
	return Day(now).AddDate(0, 0, ExpiryDays+1)
}

// RemindAt is the day (China midnight) from which the employer is told
// that the post expires soon: RemindDays before its last day.
func RemindAt(expires time.Time) time.Time {
	return Day(expires.Add(-time.Second)).AddDate(0, 0, -RemindDays)
}

// RemindFrom is the expiry up to which posts are due a reminder at now:
// those whose RemindAt is today or earlier.
func RemindFrom(now time.Time) time.Time { return Day(now).AddDate(0, 0, RemindDays+1) }

// FollowUpMonths are the months after a placement at which the
// caseworker follows up an assisted seeker (就业援助).
var FollowUpMonths = []int{1, 3, 6}

// FollowUpDue returns when the follow-up of the month is due after a
// placement on the day hired.
func FollowUpDue(hired time.Time, month int) time.Time { return Day(hired).AddDate(0, month, 0) }

// Outcome is what a follow-up found.
type Outcome string

// Follow-up outcomes.
const (
	OutcomeEmployed Outcome = "employed" // still in the job
	OutcomeChanged  Outcome = "changed"  // working, in another job
	OutcomeLeft     Outcome = "left"     // no longer working
	OutcomeNoReach  Outcome = "no_reach" // could not be reached
)

// Outcomes lists the follow-up outcomes in order.
var Outcomes = []Outcome{OutcomeEmployed, OutcomeChanged, OutcomeLeft, OutcomeNoReach}

// Retained reports whether the outcome counts as still working.
func (o Outcome) Retained() bool { return o == OutcomeEmployed || o == OutcomeChanged }

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return slices.Contains(Outcomes, o) }
