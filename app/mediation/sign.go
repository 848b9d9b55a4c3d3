package mediation

// Signatures of the agreement (paper, scan, SMS code), its scans, return
// visits, and parties who join a case later.

import (
	"context"
	"crypto/rand"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// SignPath is the public page on which a party confirms an agreement with
// the code of its SMS: /mediation/sign/{token}.
func SignPath(token string) string { return "/mediation/sign/" + url.PathEscape(token) }

// conditionsTx reads what the lifecycle's conditions ask of a case: is its
// agreement signed by all, is a return visit recorded.
func (s *Service) conditionsTx(ctx context.Context, tx *store.Tx, c *mediation.Case) (signed, visited bool, err error) {
	a, err := store.GetMediationAgreement(ctx, tx, c.ID)
	switch {
	case minsheng.IsCode(err, minsheng.ENOTFOUND):
		signed = true // nothing to sign
	case err != nil:
		return false, false, err
	default:
		signed = a.SignedAt != nil
	}
	vs, err := store.ListMediationVisits(ctx, tx, c.ID)
	if err != nil {
		return false, false, err
	}
	return signed, len(vs) > 0, nil
}

// sendCodesTx sends a new code to one party (partyID) or to every party
// still to sign (0), each by SMS with the link to the public page; the
// codes and links are kept as hashes only. A party sent a code less than a
// minute ago, or five times, is refused (one party) or passed over (all).
func (s *Service) sendCodesTx(ctx context.Context, tx *store.Tx, actor *org.User, c *mediation.Case, ps []mediation.Party, partyID int64) error {
	gs, err := store.ListMediationSignatures(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	phone := map[int64]string{}
	for _, p := range ps {
		phone[p.ID] = signPhone(p)
	}
	now := s.kit.Now()
	var msgs []notify.Message
	var sent []string
	found := false
	for i := range gs {
		g := &gs[i]
		if partyID != 0 && g.PartyID != partyID {
			continue
		}
		found = true
		if err := g.CheckSend(now); err != nil {
			if partyID != 0 {
				return err
			}
			continue
		}
		if phone[g.PartyID] == "" {
			if partyID != 0 {
				return minsheng.FieldError("party_id", "the party has no phone").Because("sms_phone")
			}
			continue
		}
		code, token, err := mediation.NewCode(rand.Reader)
		if err != nil {
			return err
		}
		g.Sent(mediation.HashSecret(c.ID, g.PartyID, code), mediation.HashToken(token), now)
		if err := store.UpdateMediationSignature(ctx, tx, g); err != nil {
			return err
		}
		body := "【城西区调解中心】您的调解协议（" + c.Number + "）签署验证码：" + code + "，" +
			strconv.Itoa(int(mediation.CodeTTL/time.Minute)) + "分钟内有效。请当面告知调解员"
		if base := s.tickets.PublicURL(); base != "" {
			body += "，或打开 " + base + SignPath(token) + " 阅读协议后确认"
		}
		body += "。如非本人，请勿告知他人。"
		msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: phone[g.PartyID], Template: "mediation.sign_code",
			Lang: "zh", Body: body})
		sent = append(sent, strconv.FormatInt(g.PartyID, 10))
	}
	if partyID != 0 && !found {
		return minsheng.FieldError("party_id", "no such party of the agreement")
	}
	if len(msgs) == 0 {
		return nil
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "send_code",
		Data: map[string]string{"parties": strings.Join(sent, ",")}, Messages: msgs})
	return err
}

// signPhone is where a party's code goes: its phone, else its agent's (an
// organisation's representative).
func signPhone(p mediation.Party) string {
	if p.Phone != "" {
		return p.Phone
	}
	return p.AgentPhone
}

// SendCode sends a new signing code to a party of an agreement signed by
// SMS code (partyID), or to every party still to sign (0).
func (s *Service) SendCode(ctx context.Context, actor *org.User, ref string, partyID int64) error {
	return s.onCase(ctx, actor, ref, mediation.ActionAgree, func(tx *store.Tx, c *mediation.Case) error {
		a, err := store.GetMediationAgreement(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if a.SignedAt != nil {
			return minsheng.Errorf(minsheng.ECONFLICT, "every party has signed").Because("already_signed")
		}
		ps, err := store.ListMediationParties(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		return s.sendCodesTx(ctx, tx, actor, c, ps, partyID)
	})
}

// confirmTx checks a code for a signature of the case and, when it is
// right, signs; the last signature puts the agreement in force (its day and
// its 司法确认 deadline from now) and starts its performance. A wrong code
// is counted in the returned refusal, which the caller returns after
// committing.
func (s *Service) confirmTx(ctx context.Context, tx *store.Tx, actor *org.User, c *mediation.Case, g *mediation.Signature,
	code, via string) (refused error, err error) {
	now := s.kit.Now()
	if err := g.Confirm(code, via, now); err != nil {
		if minsheng.IsCode(err, minsheng.EINVALID) && g.Attempts > 0 {
			if err := store.UpdateMediationSignature(ctx, tx, g); err != nil {
				return nil, err
			}
		}
		return err, nil
	}
	if err := store.UpdateMediationSignature(ctx, tx, g); err != nil {
		return nil, err
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "sign",
		Data: map[string]string{"party": strconv.FormatInt(g.PartyID, 10), "via": via}}); err != nil {
		return nil, err
	}
	gs, err := store.ListMediationSignatures(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	if !mediation.AllSigned(gs) {
		return nil, nil
	}
	a, err := store.GetMediationAgreement(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	a.SignedAt, a.EffectiveAt, a.JudicialDeadline = &now, now, mediation.JudicialDeadline(now)
	if err := store.UpdateMediationAgreement(ctx, tx, a); err != nil {
		return nil, err
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "signed",
		Data: map[string]string{"judicial_deadline": a.JudicialDeadline.Format(time.RFC3339)}}); err != nil {
		return nil, err
	}
	return nil, s.startPerformanceTx(ctx, tx, actor, c, a)
}

// ConfirmCode records a party's signature by the code the party received
// and read out to the mediator.
func (s *Service) ConfirmCode(ctx context.Context, actor *org.User, ref string, partyID int64, code string) error {
	var refused error
	err := s.onCase(ctx, actor, ref, mediation.ActionAgree, func(tx *store.Tx, c *mediation.Case) error {
		gs, err := store.ListMediationSignatures(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for i := range gs {
			if gs[i].PartyID == partyID {
				refused, err = s.confirmTx(ctx, tx, actor, c, &gs[i], code, "mediator")
				return err
			}
		}
		return minsheng.FieldError("party_id", "no such party of the agreement")
	})
	if err != nil {
		return err
	}
	return refused
}

// SignView is what the public signing page shows the holder of a link:
// the case's number, the agreement's terms and schedule, and which party
// (masked) is asked to sign. Nothing else of the case.
type SignView struct {
	Number    string                 `json:"number"`
	Terms     string                 `json:"terms"`
	Schedule  []mediation.Instalment `json:"schedule"`
	Side      mediation.Side         `json:"side"`
	Name      string                 `json:"name"`
	ExpiresAt *time.Time             `json:"expires_at,omitempty"`
}

// linkTx finds the signature, case and party of a public link: one
// ENOTFOUND for a link that never was, is spent or was replaced.
func (s *Service) linkTx(ctx context.Context, tx *store.Tx, token string) (*mediation.Signature, *mediation.Case, *mediation.Party, error) {
	notFound := minsheng.Errorf(minsheng.ENOTFOUND, "this link is not valid or has been used").Because("sign_link")
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return nil, nil, nil, notFound
	}
	g, err := store.GetMediationSignatureByLink(ctx, tx, mediation.HashToken(token))
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, nil, nil, notFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := store.GetMediationCase(ctx, tx, strconv.FormatInt(g.CaseID, 10))
	if err != nil {
		return nil, nil, nil, err
	}
	if c.Status != mediation.StatusAgreement {
		return nil, nil, nil, notFound
	}
	ps, err := store.ListMediationParties(ctx, tx, c.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range ps {
		if ps[i].ID == g.PartyID {
			return g, c, &ps[i], nil
		}
	}
	return nil, nil, nil, notFound
}

// SignLink returns what the public signing page shows for a link.
func (s *Service) SignLink(ctx context.Context, token string) (*SignView, error) {
	var v *SignView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		g, c, p, err := s.linkTx(ctx, tx, token)
		if err != nil {
			return err
		}
		a, err := store.GetMediationAgreement(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		m := p.Masked()
		v = &SignView{Number: c.Number, Terms: a.Terms, Schedule: a.Schedule, Side: p.Side, Name: m.Name, ExpiresAt: g.CodeExpiresAt}
		return nil
	})
	return v, err
}

// ConfirmByLink records a party's signature by the code typed on the
// public page the SMS linked to. The system acts (no one is signed in).
func (s *Service) ConfirmByLink(ctx context.Context, token, code string) error {
	var refused error
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		g, c, _, err := s.linkTx(ctx, tx, token)
		if err != nil {
			return err
		}
		refused, err = s.confirmTx(ctx, tx, kit.System(), c, g, code, "party")
		return err
	})
	if err != nil {
		return err
	}
	return refused
}

// PutUpload keeps a scan sent with an agreement until the use case records
// it: a photo or a PDF, checked by its content.
func (s *Service) PutUpload(name string, r io.Reader) (app.Upload, error) {
	return s.tickets.PutUpload(name, r)
}

func (s *Service) insertScansTx(ctx context.Context, tx *store.Tx, actor *org.User, c *mediation.Case, scans []app.Upload) error {
	now := s.kit.Now()
	for _, up := range scans {
		if !ticket.AllowedAttachment(up.Blob.ContentType) {
			return minsheng.FieldError("file", "%s is not a photo or a PDF", up.Name).Because("file_type")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		f := &mediation.File{ID: id, CaseID: c.ID, Kind: "scan", Name: up.Name, ContentType: up.Blob.ContentType,
			Size: up.Blob.Size, SHA256: up.Blob.SHA256, CreatedAt: now}
		if !kit.IsSystem(actor) {
			f.CreatedBy = actor.ID
		}
		if err := store.InsertMediationFile(ctx, tx, f); err != nil {
			return err
		}
	}
	return nil
}

// AddScans keeps scans of an agreement signed on paper: the agreement is
// then one signed on paper and scanned.
func (s *Service) AddScans(ctx context.Context, actor *org.User, ref string, scans ...app.Upload) ([]mediation.File, error) {
	if len(scans) == 0 {
		return nil, minsheng.FieldError("file", "attach the scan").Because("no_file")
	}
	var out []mediation.File
	err := s.onCase(ctx, actor, ref, mediation.ActionAgree, func(tx *store.Tx, c *mediation.Case) error {
		a, err := store.GetMediationAgreement(ctx, tx, c.ID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ECONFLICT, "the case has no agreement yet").Because("no_agreement")
		}
		if err != nil {
			return err
		}
		if a.SignMode == mediation.SignSMS {
			return minsheng.Errorf(minsheng.ECONFLICT, "the agreement is signed by SMS code").Because("scan_mode")
		}
		have, err := store.ListMediationFiles(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if len(have)+len(scans) > mediation.MaxScans {
			return minsheng.FieldError("file", "at most %d files", mediation.MaxScans).Because("too_many_files")
		}
		if err := s.insertScansTx(ctx, tx, actor, c, scans); err != nil {
			return err
		}
		if a.SignMode != mediation.SignScan {
			a.SignMode = mediation.SignScan
			if err := store.UpdateMediationAgreement(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "attach_scan",
			Data: map[string]string{"scans": strconv.Itoa(len(scans))}}); err != nil {
			return err
		}
		out, err = store.ListMediationFiles(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// OpenFile returns a file of a case and its content, to the mediators over
// the case only: a signed agreement shows the parties' names and
// signatures unmasked.
func (s *Service) OpenFile(ctx context.Context, actor *org.User, ref string, id int64) (*mediation.File, io.ReadSeekCloser, error) {
	var f *mediation.File
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) && !mediation.MayReveal(actor, c.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only mediators open the signed agreement")
		}
		f, err = store.GetMediationFile(ctx, tx, c.ID, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	_, r, err := s.tickets.OpenBlob(&ticket.Attachment{Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256})
	if err != nil {
		return nil, nil, err
	}
	return f, r, nil
}

// AddParty adds a party to a case before its agreement: a neighbour or a
// relative drawn into the dispute. Earlier cases with the new party within
// a year are flagged as repeats, as at registration.
func (s *Service) AddParty(ctx context.Context, actor *org.User, ref string, in mediation.NewParty) (*mediation.Party, error) {
	in.Normalize()
	if err := in.Validate(""); err != nil {
		return nil, err
	}
	var out *mediation.Party
	err := s.onCase(ctx, actor, ref, mediation.ActionMediate, func(tx *store.Tx, c *mediation.Case) error {
		if !mediation.MayAddParty(c.Status) {
			return minsheng.Errorf(minsheng.ECONFLICT, "parties join a case before its agreement, not once it is %s", c.Status).Because("party_late")
		}
		ps, err := store.ListMediationParties(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if len(ps) >= mediation.MaxParties {
			return minsheng.FieldError("parties", "at most %d parties", mediation.MaxParties)
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &mediation.Party{ID: id, CaseID: c.ID, NewParty: in}
		if err := store.InsertMediationParty(ctx, tx, out, len(ps)); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "add_party",
			Data: map[string]string{"party": strconv.FormatInt(id, 10), "side": string(in.Side), "kind": string(in.Kind)}}); err != nil {
			return err
		}
		key := []mediation.PartyKey{out.Key()}
		if key[0] == (mediation.PartyKey{}) {
			return nil
		}
		priors, err := store.ListMediationPriors(ctx, tx, c.RegisteredAt.Add(-mediation.RepeatWindow), c.RegisteredAt, "", key)
		if err != nil {
			return err
		}
		var added []string
		for _, r := range mediation.FindRepeats(c.RegisteredAt, "", key, priors) {
			known := false
			for i := range c.Repeats {
				if c.Repeats[i].CaseID == r.CaseID {
					known, c.Repeats[i].Party = true, true
				}
			}
			if !known {
				c.Repeats = append(c.Repeats, r)
				added = append(added, r.Number)
			}
		}
		if len(added) == 0 {
			return nil
		}
		c.UpdatedAt, c.Version = s.kit.Now(), c.Version+1
		if err := store.UpdateMediationCase(ctx, tx, c); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectCase, ObjectID: c.ID, Action: "repeat_flagged",
			Data: map[string]string{"earlier": strings.Join(added, ",")}})
		return err
	})
	return out, err
}

// ReturnVisit records the return visit (回访) of a case whose agreement was
// performed or left in default: what the parties said of its performance
// and how satisfied they are. A case so visited may be closed.
func (s *Service) ReturnVisit(ctx context.Context, actor *org.User, ref string, in mediation.NewVisit) (*mediation.Visit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *mediation.Visit
	err := s.onCase(ctx, actor, ref, mediation.ActionComplete, func(tx *store.Tx, c *mediation.Case) error {
		if !mediation.MayVisit(c.Status) {
			return minsheng.Errorf(minsheng.ECONFLICT, "a return visit follows the agreement's performance, not a case that is %s", c.Status).Because("visit_early")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &mediation.Visit{ID: id, CaseID: c.ID, At: s.kit.Now(), NewVisit: in}
		if !kit.IsSystem(actor) {
			out.By = actor.ID
		}
		if err := store.InsertMediationVisit(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: "return_visit",
			Note: in.Note, Data: map[string]string{"result": string(in.Result), "satisfaction": string(in.Satisfaction)}})
		return err
	})
	return out, err
}
