package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/employ"
)

// This file holds job matching (城西e就业, package employ): employers,
// posts, seekers, applications, follow-ups and pushes.

// --- employers ---

const employerColumns = `id, name, credit_code, contact_name, contact_phone, area, user_id, verified_at, arrears, arrears_note, created_at, version`

func scanEmployer(s scanner) (*employ.Employer, error) {
	var e employ.Employer
	var verified sql.NullTime
	err := s.Scan(&e.ID, &e.Name, &e.CreditCode, &e.ContactName, &e.ContactPhone, &e.Area, &e.UserID, &verified, &e.Arrears,
		&e.ArrearsNote, &e.CreatedAt, &e.Version)
	e.VerifiedAt, e.CreatedAt = timePtr(verified), e.CreatedAt.UTC()
	return &e, err
}

// InsertEmployer writes a new employer; a credit code registered already
// is EINVALID on credit_code.
func InsertEmployer(ctx context.Context, tx *Tx, e *employ.Employer) error {
	_, err := tx.Exec(ctx, `INSERT INTO employ_employers (id, name, credit_code, contact_name, contact_phone, area, user_id, verified_at,
		arrears, arrears_note, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Name, e.CreditCode, e.ContactName, e.ContactPhone, e.Area, e.UserID, nullTime(e.VerifiedAt), e.Arrears, e.ArrearsNote,
		e.CreatedAt.UTC(), e.Version)
	if IsUnique(err) {
		return minsheng.FieldError("credit_code", "an employer with credit code %s is registered", e.CreditCode).Because("credit_code_taken")
	}
	if err != nil {
		return fmt.Errorf("insert employer: %w", err)
	}
	return nil
}

// UpdateEmployer writes an employer's verification and arrears flag if
// its version is still e.Version-1: ECONFLICT otherwise.
func UpdateEmployer(ctx context.Context, tx *Tx, e *employ.Employer) error {
	return changeOne(ctx, tx, "update employer", stale("employer"),
		`UPDATE employ_employers SET name = ?, contact_name = ?, contact_phone = ?, area = ?, user_id = ?,
		verified_at = ?, arrears = ?, arrears_note = ?, version = ? WHERE id = ? AND version = ?`,
		e.Name, e.ContactName, e.ContactPhone, e.Area, e.UserID, nullTime(e.VerifiedAt), e.Arrears, e.ArrearsNote, e.Version, e.ID, e.Version-1)
}

// GetEmployer returns an employer by id, or ENOTFOUND.
func GetEmployer(ctx context.Context, tx *Tx, id int64) (*employ.Employer, error) {
	return getOne(ctx, tx, scanEmployer, "employer", id, `SELECT `+employerColumns+` FROM employ_employers WHERE id = ?`, id)
}

// ListEmployers returns the employers, newest first; with userID, only the
// ones of that account.
func ListEmployers(ctx context.Context, tx *Tx, userID int64) ([]*employ.Employer, error) {
	q, args := `SELECT `+employerColumns+` FROM employ_employers`, []any{}
	if userID != 0 {
		q, args = q+` WHERE user_id = ?`, append(args, userID)
	}
	es, err := queryAll(ctx, tx, scanEmployer, q+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list employers: %w", err)
	}
	return es, nil
}

// --- posts ---

const postColumns = `p.id, p.employer_id, e.name, p.title, p.occupation, p.kind, p.salary_min, p.salary_max, p.hours, p.area, p.place,
	p.openings, p.requirements, p.work_day, p.status, p.note, p.published_at, p.expires_at, p.reminded, p.created_at, p.updated_at, p.version`

const postFrom = ` FROM employ_posts p JOIN employ_employers e ON e.id = p.employer_id`

func scanPost(s scanner) (*employ.Post, error) {
	var p employ.Post
	var work, pub, exp sql.NullTime
	err := s.Scan(&p.ID, &p.EmployerID, &p.Employer, &p.Title, &p.Occupation, &p.Kind, &p.SalaryMin, &p.SalaryMax, &p.Hours, &p.Area,
		&p.Place, &p.Openings, &p.Needs, &work, &p.Status, &p.Note, &pub, &exp, &p.Reminded, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.WorkDay, p.Published, p.ExpiresAt = timePtr(work), timePtr(pub), timePtr(exp)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, err
}

// InsertPost writes a new post.
func InsertPost(ctx context.Context, tx *Tx, p *employ.Post) error {
	_, err := tx.Exec(ctx, `INSERT INTO employ_posts (id, employer_id, title, occupation, kind, salary_min, salary_max, hours, area, place,
		openings, requirements, work_day, status, note, published_at, expires_at, reminded, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.EmployerID, p.Title, p.Occupation, p.Kind, p.SalaryMin, p.SalaryMax, p.Hours, p.Area, p.Place, p.Openings, p.Needs,
		nullTime(p.WorkDay), p.Status, p.Note, nullTime(p.Published), nullTime(p.ExpiresAt), p.Reminded, p.CreatedAt.UTC(), p.UpdatedAt.UTC(), p.Version)
	if err != nil {
		return fmt.Errorf("insert post: %w", err)
	}
	return nil
}

// UpdatePost writes a post if its version is still p.Version-1:
// ECONFLICT otherwise.
func UpdatePost(ctx context.Context, tx *Tx, p *employ.Post) error {
	return changeOne(ctx, tx, "update post", stale("post"),
		`UPDATE employ_posts SET title = ?, occupation = ?, kind = ?, salary_min = ?, salary_max = ?, hours = ?,
		area = ?, place = ?, openings = ?, requirements = ?, work_day = ?, status = ?, note = ?, published_at = ?, expires_at = ?,
		reminded = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
		p.Title, p.Occupation, p.Kind, p.SalaryMin, p.SalaryMax, p.Hours, p.Area, p.Place, p.Openings, p.Needs, nullTime(p.WorkDay),
		p.Status, p.Note, nullTime(p.Published), nullTime(p.ExpiresAt), p.Reminded, p.UpdatedAt.UTC(), p.Version, p.ID, p.Version-1)
}

// GetPost returns a post by id, or ENOTFOUND.
func GetPost(ctx context.Context, tx *Tx, id int64) (*employ.Post, error) {
	return getOne(ctx, tx, scanPost, "post", id, `SELECT `+postColumns+postFrom+` WHERE p.id = ?`, id)
}

// PostFilter selects posts; zero fields select all.
type PostFilter struct {
	Status     employ.PostStatus
	EmployerID int64
	UserID     int64 // posts of the employers of this account
	Limit      int
}

// ListPosts returns the posts the filter selects, newest first.
func ListPosts(ctx context.Context, tx *Tx, f PostFilter) ([]*employ.Post, error) {
	var w where
	w.addIf(f.Status != "", "p.status = ?", f.Status)
	w.addIf(f.EmployerID != 0, "p.employer_id = ?", f.EmployerID)
	w.addIf(f.UserID != 0, "e.user_id = ?", f.UserID)
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	ps, err := queryAll(ctx, tx, scanPost, `SELECT `+postColumns+postFrom+w.String()+fmt.Sprintf(" ORDER BY p.id DESC LIMIT %d", f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return ps, nil
}

// CountPosts counts the posts by status.
func CountPosts(ctx context.Context, tx *Tx) (map[employ.PostStatus]int, error) {
	rows, err := tx.Query(ctx, `SELECT status, COUNT(*) FROM employ_posts GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count posts: %w", err)
	}
	defer rows.Close()
	out := map[employ.PostStatus]int{}
	for rows.Next() {
		var st employ.PostStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count posts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// ListPostsExpiring returns the published posts whose expiry is before
// the time: with remind, those not yet reminded.
func ListPostsExpiring(ctx context.Context, tx *Tx, before time.Time, remind bool) ([]*employ.Post, error) {
	q := `SELECT ` + postColumns + postFrom + ` WHERE p.status = ? AND p.expires_at <= ?`
	if remind {
		q += ` AND p.reminded = FALSE`
	}
	ps, err := queryAll(ctx, tx, scanPost, q+` ORDER BY p.expires_at, p.id`, employ.PostPublished, before.UTC())
	if err != nil {
		return nil, fmt.Errorf("list expiring posts: %w", err)
	}
	return ps, nil
}

// --- seekers ---

const seekerColumns = `id, name, phone, id_number, skills, kinds, area, salary_min, hard, consent, subscribed, user_id, caseworker_id, placed_at,
	created_at, version`

func scanSeeker(s scanner) (*employ.Seeker, error) {
	var k employ.Seeker
	var skills, kinds string
	var placed sql.NullTime
	err := s.Scan(&k.ID, &k.Name, &k.Phone, &k.IDNumber, &skills, &kinds, &k.Area, &k.SalaryMin, &k.Hard, &k.Consent, &k.Subscribed, &k.UserID,
		&k.Caseworker, &placed, &k.CreatedAt, &k.Version)
	k.Skills, k.Kinds = splitCodes[string](skills), splitCodes[employ.Kind](kinds)
	k.PlacedAt, k.CreatedAt = timePtr(placed), k.CreatedAt.UTC()
	return &k, err
}

// InsertSeeker writes a new seeker.
func InsertSeeker(ctx context.Context, tx *Tx, k *employ.Seeker) error {
	_, err := tx.Exec(ctx, `INSERT INTO employ_seekers (id, name, phone, id_number, skills, kinds, area, salary_min, hard, consent, subscribed,
		user_id, caseworker_id, placed_at, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, k.Phone, k.IDNumber, strings.Join(k.Skills, ","), joinCodes(k.Kinds), k.Area, k.SalaryMin, k.Hard, k.Consent, k.Subscribed,
		k.UserID, k.Caseworker, nullTime(k.PlacedAt), k.CreatedAt.UTC(), k.Version)
	if err != nil {
		return fmt.Errorf("insert seeker: %w", err)
	}
	return nil
}

// UpdateSeeker writes a seeker if its version is still k.Version-1:
// ECONFLICT otherwise.
func UpdateSeeker(ctx context.Context, tx *Tx, k *employ.Seeker) error {
	return changeOne(ctx, tx, "update seeker", stale("seeker"),
		`UPDATE employ_seekers SET name = ?, phone = ?, id_number = ?, skills = ?, kinds = ?, area = ?, salary_min = ?, hard = ?,
		consent = ?, subscribed = ?, user_id = ?, caseworker_id = ?, placed_at = ?, version = ? WHERE id = ? AND version = ?`,
		k.Name, k.Phone, k.IDNumber, strings.Join(k.Skills, ","), joinCodes(k.Kinds), k.Area, k.SalaryMin, k.Hard, k.Consent, k.Subscribed, k.UserID,
		k.Caseworker, nullTime(k.PlacedAt), k.Version, k.ID, k.Version-1)
}

// GetSeeker returns a seeker by id, or ENOTFOUND.
func GetSeeker(ctx context.Context, tx *Tx, id int64) (*employ.Seeker, error) {
	return getOne(ctx, tx, scanSeeker, "seeker", id, `SELECT `+seekerColumns+` FROM employ_seekers WHERE id = ?`, id)
}

// SeekerFilter selects seekers; zero fields select all.
type SeekerFilter struct {
	UserID     int64
	Caseworker int64
	Subscribed bool // subscribed and consenting only
	Hard       bool // 就业困难 only
	Limit      int  // 0: all
}

// ListSeekers returns the seekers the filter selects, by id.
func ListSeekers(ctx context.Context, tx *Tx, f SeekerFilter) ([]*employ.Seeker, error) {
	var w where
	w.addIf(f.UserID != 0, "user_id = ?", f.UserID)
	w.addIf(f.Caseworker != 0, "caseworker_id = ?", f.Caseworker)
	w.addIf(f.Subscribed, "subscribed = TRUE AND consent = TRUE")
	w.addIf(f.Hard, "hard = TRUE")
	q := `SELECT ` + seekerColumns + ` FROM employ_seekers` + w.String() + " ORDER BY id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	ks, err := queryAll(ctx, tx, scanSeeker, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list seekers: %w", err)
	}
	return ks, nil
}

// ListPushCandidates returns the subscribed, consenting seekers not
// placed in a full-time job who may score enough (employ.PushScore) for a
// post of the occupation's major group, area and kind: those in the area,
// or wanting the kind with a skill in the major group — every match of 60
// points or more is one of them (package employ's points: without the area
// a match needs the occupation and the kind). It reads what scoring needs
// (id, skills, kinds, area, salary); the caller scores them and reads the
// few it keeps with GetSeeker.
func ListPushCandidates(ctx context.Context, tx *Tx, group, area, kind string) ([]*employ.Seeker, error) {
	ks, err := queryAll(ctx, tx, func(s scanner) (*employ.Seeker, error) {
		var k employ.Seeker
		var skills, kinds string
		err := s.Scan(&k.ID, &skills, &kinds, &k.Area, &k.SalaryMin)
		k.Skills, k.Kinds = splitCodes[string](skills), splitCodes[employ.Kind](kinds)
		return &k, err
	}, `SELECT id, skills, kinds, area, salary_min FROM employ_seekers
		WHERE subscribed = TRUE AND consent = TRUE AND placed_at IS NULL
		AND (area = ? OR (kinds LIKE ? AND (skills LIKE ? OR skills LIKE ?))) ORDER BY id`,
		area, "%"+kind+"%", group+"%", "%,"+group+"%")
	if err != nil {
		return nil, fmt.Errorf("list push candidates: %w", err)
	}
	return ks, nil
}

// --- applications ---

const applicationColumns = `id, post_id, seeker_id, status, score, note, applied_at, hired_at, updated_at, version`

func scanApplication(s scanner) (*employ.Application, error) {
	var a employ.Application
	var hired sql.NullTime
	err := s.Scan(&a.ID, &a.PostID, &a.SeekerID, &a.Status, &a.Score, &a.Note, &a.AppliedAt, &hired, &a.UpdatedAt, &a.Version)
	a.HiredAt, a.AppliedAt, a.UpdatedAt = timePtr(hired), a.AppliedAt.UTC(), a.UpdatedAt.UTC()
	return &a, err
}

// InsertApplication writes a new application; a second one of the seeker
// to the post is ECONFLICT.
func InsertApplication(ctx context.Context, tx *Tx, a *employ.Application) error {
	_, err := tx.Exec(ctx, `INSERT INTO employ_applications (id, post_id, seeker_id, status, score, note, applied_at, hired_at, updated_at,
		version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.PostID, a.SeekerID, a.Status, a.Score, a.Note, a.AppliedAt.UTC(),
		nullTime(a.HiredAt), a.UpdatedAt.UTC(), a.Version)
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "the seeker applied to this post already").Because("applied_already")
	}
	if err != nil {
		return fmt.Errorf("insert application: %w", err)
	}
	return nil
}

// UpdateApplication writes an application if its version is still
// a.Version-1: ECONFLICT otherwise.
func UpdateApplication(ctx context.Context, tx *Tx, a *employ.Application) error {
	return changeOne(ctx, tx, "update application", stale("application"),
		`UPDATE employ_applications SET status = ?, note = ?, hired_at = ?, updated_at = ?, version = ?
		WHERE id = ? AND version = ?`, a.Status, a.Note, nullTime(a.HiredAt), a.UpdatedAt.UTC(), a.Version, a.ID, a.Version-1)
}

// GetApplication returns an application by id, or ENOTFOUND.
func GetApplication(ctx context.Context, tx *Tx, id int64) (*employ.Application, error) {
	return getOne(ctx, tx, scanApplication, "application", id, `SELECT `+applicationColumns+` FROM employ_applications WHERE id = ?`, id)
}

// ListApplications returns the applications to a post (postID) or of a
// seeker (seekerID), newest first.
func ListApplications(ctx context.Context, tx *Tx, postID, seekerID int64) ([]*employ.Application, error) {
	q, arg := `SELECT `+applicationColumns+` FROM employ_applications WHERE post_id = ?`, postID
	if postID == 0 {
		q, arg = `SELECT `+applicationColumns+` FROM employ_applications WHERE seeker_id = ?`, seekerID
	}
	as, err := queryAll(ctx, tx, scanApplication, q+` ORDER BY id DESC`, arg)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	return as, nil
}

// HiredFullTime returns the id of the seeker's hired application in a
// full-time post, or 0.
func HiredFullTime(ctx context.Context, tx *Tx, seekerID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT a.id FROM employ_applications a JOIN employ_posts p ON p.id = a.post_id
		WHERE a.seeker_id = ? AND a.status = ? AND p.kind = ? ORDER BY a.id LIMIT 1`, seekerID, employ.AppHired, employ.KindFullTime).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("hired full time: %w", err)
	}
	return id, nil
}

// --- follow-ups ---

const followUpColumns = `application_id, month, seeker_id, due, done_at, outcome, note`

func scanFollowUp(s scanner) (*employ.FollowUp, error) {
	var f employ.FollowUp
	var done sql.NullTime
	err := s.Scan(&f.ApplicationID, &f.Month, &f.SeekerID, &f.Due, &done, &f.Outcome, &f.Note)
	f.Due, f.DoneAt = f.Due.UTC(), timePtr(done)
	return &f, err
}

// InsertFollowUp writes a follow-up to be done.
func InsertFollowUp(ctx context.Context, tx *Tx, f *employ.FollowUp) error {
	_, err := tx.Exec(ctx, `INSERT INTO employ_followups (application_id, month, seeker_id, due, done_at, outcome, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, f.ApplicationID, f.Month, f.SeekerID, f.Due.UTC(), nullTime(f.DoneAt), f.Outcome, f.Note)
	if err != nil {
		return fmt.Errorf("insert follow-up: %w", err)
	}
	return nil
}

// RecordFollowUp writes a follow-up's outcome once: ECONFLICT if it was
// recorded already.
func RecordFollowUp(ctx context.Context, tx *Tx, f *employ.FollowUp) error {
	res, err := tx.Exec(ctx, `UPDATE employ_followups SET done_at = ?, outcome = ?, note = ? WHERE application_id = ? AND month = ?
		AND done_at IS NULL`, nullTime(f.DoneAt), f.Outcome, f.Note, f.ApplicationID, f.Month)
	if err != nil {
		return fmt.Errorf("record follow-up: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return minsheng.Errorf(minsheng.ECONFLICT, "the follow-up is recorded already").Because("followup_done")
	}
	return nil
}

// FollowUpFilter selects follow-ups.
type FollowUpFilter struct {
	SeekerID   int64
	Caseworker int64     // of this caseworker's seekers
	DueBefore  time.Time // zero: any
	Open       bool      // not done only
}

// ListFollowUps returns the follow-ups the filter selects, by due day.
func ListFollowUps(ctx context.Context, tx *Tx, f FollowUpFilter) ([]*employ.FollowUp, error) {
	q := `SELECT f.application_id, f.month, f.seeker_id, f.due, f.done_at, f.outcome, f.note FROM employ_followups f
		JOIN employ_seekers s ON s.id = f.seeker_id WHERE 1 = 1`
	var args []any
	if f.SeekerID != 0 {
		q, args = q+` AND f.seeker_id = ?`, append(args, f.SeekerID)
	}
	if f.Caseworker != 0 {
		q, args = q+` AND s.caseworker_id = ?`, append(args, f.Caseworker)
	}
	if !f.DueBefore.IsZero() {
		q, args = q+` AND f.due <= ?`, append(args, f.DueBefore.UTC())
	}
	if f.Open {
		q += ` AND f.done_at IS NULL`
	}
	fs, err := queryAll(ctx, tx, scanFollowUp, q+` ORDER BY f.due, f.application_id, f.month`, args...)
	if err != nil {
		return nil, fmt.Errorf("list follow-ups: %w", err)
	}
	if fs == nil {
		fs = []*employ.FollowUp{}
	}
	return fs, nil
}

// --- pushes ---

// InsertPush records that a post was pushed to a seeker: false if it was
// pushed to them before.
func InsertPush(ctx context.Context, tx *Tx, seekerID, postID int64, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO employ_pushes (seeker_id, post_id, at) VALUES (?, ?, ?) ON CONFLICT (seeker_id, post_id) DO NOTHING`,
		seekerID, postID, at.UTC())
	if err != nil {
		return false, fmt.Errorf("insert push: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountPushes counts the pushes to each seeker since the time, by seeker.
func CountPushes(ctx context.Context, tx *Tx, since time.Time) (map[int64]int, error) {
	rows, err := tx.Query(ctx, `SELECT seeker_id, COUNT(*) FROM employ_pushes WHERE at >= ? GROUP BY seeker_id`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("count pushes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count pushes: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
