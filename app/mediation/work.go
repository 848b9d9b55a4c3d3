package mediation

// Sessions, notes, the agreement and its schedule, and reveals.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// NewSession schedules a session.
type NewSession struct {
	At           time.Time `json:"at"`
	Place        string    `json:"place"`
	Participants string    `json:"participants"`
}

// ScheduleSession schedules a session of a case that is accepted, under
// investigation or in mediation.
func (s *Service) ScheduleSession(ctx context.Context, actor *org.User, ref string, in NewSession) (*mediation.Session, error) {
	in.Place, in.Participants = strings.TrimSpace(in.Place), strings.TrimSpace(in.Participants)
	if in.At.IsZero() {
		return nil, minsheng.FieldError("at", "the session's date and time are required")
	}
	if err := mediation.CheckText("place", in.Place, mediation.MaxAddress, true); err != nil {
		return nil, err
	}
	if err := mediation.CheckText("participants", in.Participants, mediation.MaxAddress, false); err != nil {
		return nil, err
	}
	var out *mediation.Session
	err := s.onCase(ctx, actor, ref, mediation.ActionMediate, func(tx *store.Tx, c *mediation.Case) error {
		switch c.Status {
		case mediation.StatusAccepted, mediation.StatusInvestigating, mediation.StatusInMediation:
		default:
			return minsheng.Errorf(minsheng.ECONFLICT, "sessions are held before an agreement")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &mediation.Session{ID: id, CaseID: c.ID, ScheduledAt: in.At.UTC().Truncate(time.Microsecond), Place: in.Place,
			Participants: in.Participants}
		if !kit.IsSystem(actor) {
			out.CreatedBy = actor.ID
		}
		if err := store.InsertMediationSession(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "schedule_session",
			Data: map[string]string{"session": strconv.Itoa(out.Seq), "at": out.ScheduledAt.Format(time.RFC3339), "place": out.Place}})
		return err
	})
	return out, err
}

// RecordSession records that a session (by its number in the case) was
// held, with its record (调解笔录). The first session held puts a case
// that is accepted or under investigation in mediation.
func (s *Service) RecordSession(ctx context.Context, actor *org.User, ref string, seq int, record string) (*mediation.Session, error) {
	record = strings.TrimSpace(record)
	if err := mediation.CheckText("record", record, mediation.MaxText, true); err != nil {
		return nil, err
	}
	var out *mediation.Session
	err := s.onCase(ctx, actor, ref, mediation.ActionMediate, func(tx *store.Tx, c *mediation.Case) error {
		ss, err := store.ListMediationSessions(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for i := range ss {
			if ss[i].Seq == seq {
				out = &ss[i]
			}
		}
		if out == nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "session %d of case %s not found", seq, c.Number)
		}
		if c.Status != mediation.StatusInMediation {
			if err := s.moveTx(ctx, tx, actor, c, mediation.ActionMediate, "", map[string]string{"session": strconv.Itoa(seq)}); err != nil {
				return err
			}
		}
		now := s.kit.Now()
		out.HeldAt, out.Record = &now, record
		if err := store.UpdateMediationSession(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "hold_session",
			Data: map[string]string{"session": strconv.Itoa(seq)}})
		return err
	})
	return out, err
}

// NewNote is a note of a case: joint, or (PartyID) private to what one
// party told the mediator alone.
type NewNote struct {
	Body       string `json:"body"`
	PartyID    int64  `json:"party_id,string"`
	SessionSeq int    `json:"session"`
}

// AddNote adds a note. Only the case's own mediator writes (and reads)
// private notes; other mediators over the case write joint ones.
func (s *Service) AddNote(ctx context.Context, actor *org.User, ref string, in NewNote) (*mediation.Note, error) {
	in.Body = strings.TrimSpace(in.Body)
	if err := mediation.CheckText("body", in.Body, mediation.MaxText, true); err != nil {
		return nil, err
	}
	var out *mediation.Note
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) && !mediation.MayReveal(actor, c.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only mediators write notes")
		}
		if in.PartyID != 0 {
			if !kit.IsSystem(actor) && !mediation.MayReadPrivate(actor, c.MediatorID) {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "only the case's mediator keeps private notes")
			}
			ps, err := store.ListMediationParties(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			found := false
			for _, p := range ps {
				found = found || p.ID == in.PartyID
			}
			if !found {
				return minsheng.FieldError("party_id", "no such party of the case")
			}
		}
		n := &mediation.Note{CaseID: c.ID, PartyID: in.PartyID, At: s.kit.Now(), Body: in.Body}
		if in.SessionSeq != 0 {
			ss, err := store.ListMediationSessions(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			for _, x := range ss {
				if x.Seq == in.SessionSeq {
					n.SessionID = x.ID
				}
			}
			if n.SessionID == 0 {
				return minsheng.FieldError("session", "no such session of the case")
			}
		}
		if n.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		if !kit.IsSystem(actor) {
			n.AuthorID = actor.ID
		}
		if err := store.InsertMediationNote(ctx, tx, n); err != nil {
			return err
		}
		kind := "joint"
		if n.Private() {
			kind = "private"
		}
		// The note's text stays out of the timeline and the audit log: it
		// may hold what a party said in confidence.
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "add_note",
			Data: map[string]string{"note": strconv.FormatInt(n.ID, 10), "kind": kind}})
		out = n
		return err
	})
	return out, err
}

// JobInstalments is the kind of the job that reminds of a case's
// instalments and, on default, prompts for 司法确认.
const JobInstalments = "mediation.instalments"

// RemindDays is how many days before an instalment is due its reminder
// goes out.
const RemindDays = 3

// RecordAgreement records the agreement of a case in mediation: its terms,
// how it was signed, when it took effect and its performance schedule. The
// case reaches an agreement and the ticket the case came from is answered.
// Signed on paper, the agreement is in force at once (a scan needs its
// files, scans); signed by SMS code, every party needs a phone, each is
// sent a code in the same transaction, and the agreement takes effect when
// the last party confirms (ConfirmCode, ConfirmByLink). In force with a
// schedule, its performance starts and the reminder job is set; the
// 司法确认 deadline is 30 days from the day it took effect.
func (s *Service) RecordAgreement(ctx context.Context, actor *org.User, ref string, in mediation.NewAgreement, scans ...app.Upload) (*mediation.Agreement, error) {
	var out *mediation.Agreement
	err := s.onCase(ctx, actor, ref, mediation.ActionAgree, func(tx *store.Tx, c *mediation.Case) error {
		if _, err := mediation.Next(c.Status, mediation.ActionAgree); err != nil {
			return err
		}
		ps, err := store.ListMediationParties(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var apps, resps int
		for _, p := range ps {
			if p.Side == mediation.SideApplicant {
				apps++
			} else {
				resps++
			}
		}
		now := s.kit.Now()
		if in.SignMode == mediation.SignSMS {
			// In force when the last party confirms: until then the day is
			// today's, provisionally.
			in.Effective = now
		}
		if err := in.Validate(apps, resps); err != nil {
			return err
		}
		switch {
		case in.SignMode == mediation.SignScan && len(scans) == 0:
			return minsheng.FieldError("file", "an agreement signed on paper and scanned needs its scan").Because("scan_required")
		case in.SignMode != mediation.SignScan && len(scans) > 0:
			return minsheng.FieldError("sign_mode", "scans go with an agreement signed on paper and scanned").Because("scan_mode")
		case len(scans) > mediation.MaxScans:
			return minsheng.FieldError("file", "at most %d files", mediation.MaxScans).Because("too_many_files")
		}
		if in.SignMode == mediation.SignSMS {
			for _, p := range ps {
				if signPhone(p) == "" {
					return minsheng.FieldError("sign_mode", "every party needs a phone to sign by SMS code").Because("sms_phone")
				}
			}
		}
		eff := in.Effective.UTC().Truncate(time.Microsecond)
		out = &mediation.Agreement{CaseID: c.ID, Terms: in.Terms, SignMode: in.SignMode, EffectiveAt: eff,
			JudicialDeadline: mediation.JudicialDeadline(eff), CreatedAt: now, Schedule: in.Schedule}
		if in.SignMode != mediation.SignSMS {
			out.SignedAt = &eff
		}
		if out.Schedule == nil {
			out.Schedule = []mediation.Instalment{}
		}
		if !kit.IsSystem(actor) {
			out.CreatedBy = actor.ID
		}
		if err := store.InsertMediationAgreement(ctx, tx, out); err != nil {
			return err
		}
		for _, p := range ps {
			g := &mediation.Signature{CaseID: c.ID, PartyID: p.ID, Mode: in.SignMode}
			if out.SignedAt != nil {
				g.SignedAt, g.Via = out.SignedAt, "paper"
			}
			if err := store.InsertMediationSignature(ctx, tx, g); err != nil {
				return err
			}
		}
		if err := s.insertScansTx(ctx, tx, actor, c, scans); err != nil {
			return err
		}
		data := map[string]string{"sign_mode": string(in.SignMode), "instalments": strconv.Itoa(len(out.Schedule)),
			"total": mediation.Yuan(out.TotalFen())}
		if out.SignedAt != nil {
			data["judicial_deadline"] = out.JudicialDeadline.Format(time.RFC3339)
		}
		if len(scans) > 0 {
			data["scans"] = strconv.Itoa(len(scans))
		}
		if err := s.moveTx(ctx, tx, actor, c, mediation.ActionAgree, "", data); err != nil {
			return err
		}
		if out.SignedAt == nil {
			return s.sendCodesTx(ctx, tx, actor, c, ps, 0)
		}
		return s.startPerformanceTx(ctx, tx, actor, c, out)
	})
	return out, err
}

// startPerformanceTx starts the performance of an agreement in force with
// a schedule, and sets the reminder job.
func (s *Service) startPerformanceTx(ctx context.Context, tx *store.Tx, actor *org.User, c *mediation.Case, a *mediation.Agreement) error {
	if len(a.Schedule) == 0 {
		return nil
	}
	if err := s.moveTx(ctx, tx, actor, c, mediation.ActionPerform, "", nil); err != nil {
		return err
	}
	return s.scheduleJobTx(ctx, tx, c.ID, a)
}

// nextCheck returns when the job should next look at a schedule: the
// earliest reminder day of an instalment not yet reminded, or the day
// after an unpaid instalment's day; zero when nothing is left to watch.
func nextCheck(a *mediation.Agreement, now time.Time) time.Time {
	var next time.Time
	take := func(t time.Time) {
		if !t.After(now) {
			t = now.Add(time.Minute)
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, in := range a.Schedule {
		if in.PaidAt != nil {
			continue
		}
		if in.RemindedAt == nil {
			take(in.Due.AddDate(0, 0, -RemindDays).Add(9 * time.Hour)) // 09:00 China, RemindDays before
		}
		if !in.Overdue(now) {
			take(in.Due.Add(24*time.Hour + 9*time.Hour)) // 09:00 the day after it was due
		}
	}
	return next
}

func (s *Service) scheduleJobTx(ctx context.Context, tx *store.Tx, caseID int64, a *mediation.Agreement) error {
	at := nextCheck(a, s.kit.Now())
	if at.IsZero() {
		return nil
	}
	id := strconv.FormatInt(caseID, 10)
	_, err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobInstalments, Key: JobInstalments + ":" + id + "@" + at.Format(time.RFC3339),
		Payload: map[string]string{"case": id}, RunAt: at})
	return err
}

// RunInstalmentJob is the job of a case's schedule, run in the job's
// transaction: each unpaid instalment due within RemindDays is reminded of
// by SMS to the respondents (once); an instalment left unpaid past its day
// puts a case in performance into default, and the mediator is prompted to
// help the parties apply for 司法确认 before its deadline. It sets its next
// run.
func (s *Service) RunInstalmentJob(ctx context.Context, tx *store.Tx, payload []byte) error {
	var p struct {
		Case string `json:"case"`
	}
	if err := jsonUnmarshal(payload, &p); err != nil {
		return err
	}
	c, err := store.GetMediationCase(ctx, tx, p.Case)
	if err != nil {
		return err
	}
	if c.Status != mediation.StatusPerforming && c.Status != mediation.StatusDefaulted {
		return nil
	}
	a, err := store.GetMediationAgreement(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	now := s.kit.Now()
	ps, err := store.ListMediationParties(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	sys := kit.System()
	for i := range a.Schedule {
		in := &a.Schedule[i]
		if in.DueSoon(now, RemindDays) && in.RemindedAt == nil {
			in.RemindedAt = &now
			if err := store.UpdateMediationInstalment(ctx, tx, c.ID, in); err != nil {
				return err
			}
			body := "【城西区调解中心】提醒：调解协议（" + c.Number + "）第" + strconv.Itoa(in.Seq) + "期履行将于" +
				in.Due.In(mediation.China).Format("2006年1月2日") + "到期"
			if in.AmountFen > 0 {
				body += "，金额" + mediation.Yuan(in.AmountFen) + "元"
			}
			body += "，请按协议按时履行。"
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectCase, ObjectID: c.ID, Action: "remind_instalment",
				Data:     map[string]string{"instalment": strconv.Itoa(in.Seq), "due": in.Due.Format(time.RFC3339)},
				Messages: smsTo(ps, mediation.SideRespondent, "mediation.instalment_due", body)}); err != nil {
				return err
			}
		}
	}
	var overdue []string
	for _, in := range a.Schedule {
		if in.Overdue(now) {
			overdue = append(overdue, strconv.Itoa(in.Seq))
		}
	}
	if len(overdue) > 0 && c.Status == mediation.StatusPerforming {
		if err := s.moveTx(ctx, tx, sys, c, mediation.ActionDefault, "", map[string]string{"instalments": strings.Join(overdue, ",")}); err != nil {
			return err
		}
		if a.JudicialAppliedAt == nil && a.JudicialPromptedAt == nil && now.Before(a.JudicialDeadline) {
			a.JudicialPromptedAt = &now
			if err := store.UpdateMediationAgreement(ctx, tx, a); err != nil {
				return err
			}
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectCase, ObjectID: c.ID, Action: "judicial_prompt",
				Data: map[string]string{"deadline": a.JudicialDeadline.Format(time.RFC3339),
					"days_left": strconv.Itoa(mediation.JudicialDaysLeft(a.EffectiveAt, now))}}); err != nil {
				return err
			}
		}
	}
	return s.scheduleJobTx(ctx, tx, c.ID, a)
}

// smsTo makes the SMS messages to the parties of a side with a phone.
func smsTo(ps []mediation.Party, side mediation.Side, template, body string) []notify.Message {
	var out []notify.Message
	for _, p := range ps {
		if p.Side == side && p.Phone != "" {
			out = append(out, notify.Message{Channel: notify.ChannelSMS, To: p.Phone, Template: template, Lang: "zh", Body: body})
		}
	}
	return out
}

// PayInstalment records that an instalment (by its number) was performed.
// When every instalment is, the agreement is performed; a defaulted case
// with nothing overdue left is back in performance.
func (s *Service) PayInstalment(ctx context.Context, actor *org.User, ref string, seq int) (*mediation.Agreement, error) {
	var out *mediation.Agreement
	err := s.onCase(ctx, actor, ref, mediation.ActionComplete, func(tx *store.Tx, c *mediation.Case) error {
		if c.Status != mediation.StatusPerforming && c.Status != mediation.StatusDefaulted {
			return minsheng.Errorf(minsheng.ECONFLICT, "the agreement is not being performed")
		}
		a, err := store.GetMediationAgreement(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var in *mediation.Instalment
		for i := range a.Schedule {
			if a.Schedule[i].Seq == seq {
				in = &a.Schedule[i]
			}
		}
		if in == nil {
			return minsheng.FieldError("instalment", "no instalment %d", seq)
		}
		if in.PaidAt != nil {
			return minsheng.Errorf(minsheng.ECONFLICT, "instalment %d is recorded as performed already", seq)
		}
		now := s.kit.Now()
		in.PaidAt = &now
		if err := store.UpdateMediationInstalment(ctx, tx, c.ID, in); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "pay_instalment",
			Data: map[string]string{"instalment": strconv.Itoa(seq), "amount": mediation.Yuan(in.AmountFen)}}); err != nil {
			return err
		}
		out = a
		switch {
		case a.AllPaid():
			return s.moveTx(ctx, tx, actor, c, mediation.ActionComplete, "", nil)
		case c.Status == mediation.StatusDefaulted && !anyOverdue(a, now):
			return s.moveTx(ctx, tx, actor, c, mediation.ActionResume, "", nil)
		}
		return nil
	})
	return out, err
}

func anyOverdue(a *mediation.Agreement, now time.Time) bool {
	for _, in := range a.Schedule {
		if in.Overdue(now) {
			return true
		}
	}
	return false
}

// ApplyJudicial records that the parties applied to the court for
// 司法确认 of their agreement, which must be before its deadline.
func (s *Service) ApplyJudicial(ctx context.Context, actor *org.User, ref string) (*mediation.Agreement, error) {
	var out *mediation.Agreement
	err := s.onCase(ctx, actor, ref, mediation.ActionComplete, func(tx *store.Tx, c *mediation.Case) error {
		a, err := store.GetMediationAgreement(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		now := s.kit.Now()
		if a.JudicialAppliedAt != nil {
			return minsheng.Errorf(minsheng.ECONFLICT, "the application is recorded already")
		}
		if !now.Before(a.JudicialDeadline) {
			return minsheng.Errorf(minsheng.ECONFLICT, "the 30 days to apply for judicial confirmation have passed")
		}
		a.JudicialAppliedAt = &now
		if err := store.UpdateMediationAgreement(ctx, tx, a); err != nil {
			return err
		}
		out = a
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "judicial_applied"})
		return err
	})
	return out, err
}

// RevealParty returns a party's personal data unmasked to a mediator over
// the case, with a reason; the reveal is audited and limited (RevealTx).
func (s *Service) RevealParty(ctx context.Context, actor *org.User, ref string, partyID int64, reason, ip string) (*mediation.Party, error) {
	var out *mediation.Party
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) && !mediation.MayReveal(actor, c.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only mediators may see the parties' personal data")
		}
		ps, err := store.ListMediationParties(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for i := range ps {
			if ps[i].ID == partyID {
				out = &ps[i]
			}
		}
		if out == nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "party %d of case %s not found", partyID, c.Number)
		}
		return s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectParty, ObjectID: partyID, Reason: reason, IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// onCase runs fn in one write transaction on the case the actor may see
// and may take the action on (the action stands for the kind of work:
// mediate for sessions, agree for the agreement, complete for its
// performance).
func (s *Service) onCase(ctx context.Context, actor *org.User, ref string, a mediation.Action, fn func(tx *store.Tx, c *mediation.Case) error) error {
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if err := checkAct(actor, c, a); err != nil {
			return err
		}
		return fn(tx, c)
	})
}
