package open311

// Residents' updates: listing and posting, tracking tokens and public media.

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

type PublicUpdateQuery struct {
	Numbers    []string
	Start, End *time.Time
	Page       int
	PageSize   int
}

// PublicUpdatePage is a page of updates, oldest first.
type PublicUpdatePage struct {
	Updates []PublicNote
	More    bool
}

// PublicUpdates returns a page of the public updates of requests.
func (s *Service) PublicUpdates(ctx context.Context, q PublicUpdateQuery) (*PublicUpdatePage, error) {
	page, size, err := checkPage(q.Page, q.PageSize)
	if err != nil {
		return nil, err
	}
	numbers, err := checkIDs(q.Numbers)
	if err != nil {
		return nil, err
	}
	from, to, err := s.window(q.Start, q.End, len(numbers) == 0)
	if err != nil {
		return nil, err
	}
	out := &PublicUpdatePage{Updates: []PublicNote{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		ef := store.PublicEventFilter{Actions: open311Actions, ResidentActions: open311ResidentActions,
			Numbers: numbers, From: from, To: to, Offset: (page - 1) * size, Limit: size + 1}
		if len(numbers) == 0 {
			ef.ExcludeCategories = c.privateIDs() // private requests are not listed
		}
		events, err := store.ListPublicEvents(ctx, tx, ef)
		if err != nil {
			return err
		}
		if len(events) > size {
			events, out.More = events[:size], true
		}
		var ids []int64
		for _, e := range events {
			if !slices.Contains(ids, e.TicketID) {
				ids = append(ids, e.TicketID)
			}
		}
		atts, err := store.ListAttachmentsOf(ctx, tx, ids)
		if err != nil {
			return err
		}
		units := &unitNames{ctx: ctx, tx: tx, names: map[int64]string{}}
		for _, e := range events {
			private := c.private(c.byID[e.CategoryID])
			n := publicNote(&e, units, private)
			if !private && mediaEvent(&e.Event) {
				for _, a := range atts {
					if a.TicketID == e.TicketID && a.EventSeq == e.Seq {
						n.Media = append(n.Media, PublicMedia{ID: a.ID, EventSeq: a.EventSeq, ContentType: a.ContentType})
					}
				}
			}
			out.Updates = append(out.Updates, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Open311UpdateInput is a resident's update to their request, as a client
// posts it (FixMyStreet's POST servicerequestupdates). UpdateID is the
// client's own id for it: a second post with the same one is not recorded
// twice. Status is what the client thinks of the request (OPEN, CLOSED,
// FIXED …); it is noted, but only staff change a request's status.
type Open311UpdateInput struct {
	Number      string
	Description string
	UpdateID    string
	Status      string
	MediaURL    string
}

// CheckOpen311Update makes every check of PostOpen311Update without
// writing anything; files tells how many files come with the update.
func (s *Service) CheckOpen311Update(ctx context.Context, client *store.APIClient, in Open311UpdateInput, files int) error {
	if err := checkUpdateInput(client, &in, files); err != nil {
		return err
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := ownTicket(ctx, tx, client, in.Number)
		if err != nil {
			return err
		}
		return updatable(t)
	})
}

func checkUpdateInput(client *store.APIClient, in *Open311UpdateInput, files int) error {
	if client == nil || !client.Active() {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "invalid api_key")
	}
	in.Number, in.Description = strings.TrimSpace(in.Number), strings.TrimSpace(in.Description)
	in.UpdateID, in.Status, in.MediaURL = strings.TrimSpace(in.UpdateID), strings.TrimSpace(in.Status), strings.TrimSpace(in.MediaURL)
	if in.Number == "" {
		return minsheng.FieldError("service_request_id", "service_request_id is required")
	}
	if in.Description == "" && files == 0 {
		return minsheng.FieldError("description", "description is required")
	}
	if files > ticket.MaxAttachmentsPerAction {
		return minsheng.FieldError("media", "at most %d files at a time", ticket.MaxAttachmentsPerAction)
	}
	if err := ticket.CheckNote("description", in.Description, false); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"update_id", in.UpdateID, 200}, {"status", in.Status, 50}, {"media_url", in.MediaURL, 2000}} {
		if err := checkAttrText(f.name, f.v, f.max, false); err != nil {
			return err
		}
	}
	if in.MediaURL != "" {
		if u, err := url.Parse(in.MediaURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return minsheng.FieldError("media_url", "media_url must be an http or https URL")
		}
	}
	return nil
}

// ownTicket loads a public request that the client submitted: ENOTFOUND
// for no public request, EFORBIDDEN for another's.
func ownTicket(ctx context.Context, tx *store.Tx, client *store.APIClient, number string) (*ticket.Ticket, error) {
	t, err := store.GetTicketByNumber(ctx, tx, number)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && (t.CategoryID == 0 || t.Status == ticket.StatusInvalid)) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "service_request_id %q was not found", number)
	}
	if err != nil {
		return nil, err
	}
	rec, err := store.GetOpen311Request(ctx, tx, t.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && rec.ClientID != client.ID) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only the client that submitted request %s may post updates to it", t.Number)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func updatable(t *ticket.Ticket) error {
	if t.Status == ticket.StatusMerged {
		return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(t.Status),
			Message: fmt.Sprintf("request %s was merged into another request; post updates there", t.Number)}
	}
	return nil
}

// PostOpen311Update records a resident's comment (and photos) on a request
// that the same client submitted, as an event of the ticket. It returns the
// update as the public sees it.
func (s *Service) PostOpen311Update(ctx context.Context, client *store.APIClient, in Open311UpdateInput, files ...app.Upload) (*PublicNote, error) {
	if err := checkUpdateInput(client, &in, len(files)); err != nil {
		return nil, err
	}
	ids, err := s.tickets.UploadIDs(ctx, files)
	if err != nil {
		return nil, err
	}
	var seq int
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := ownTicket(ctx, tx, client, in.Number)
		if err != nil {
			return err
		}
		if in.UpdateID != "" {
			events, err := store.ListEvents(ctx, tx, t.ID)
			if err != nil {
				return err
			}
			for _, e := range events {
				if e.Action == ticket.ActionAttach && e.ActorID == 0 && e.Data["client_id"] == strconv.FormatInt(client.ID, 10) &&
					e.Data["update_id"] == in.UpdateID {
					seq = e.Seq // already recorded
					return nil
				}
			}
		}
		if err := updatable(t); err != nil {
			return err
		}
		err = s.tickets.ActTx(ctx, tx, t, 0, ticket.ActionAttach, in.Description, files, ids,
			func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
				e.Data = map[string]string{"by": "resident", "channel": string(ticket.ChannelOpen311), "client": client.Name,
					"client_id": strconv.FormatInt(client.ID, 10)}
				for k, v := range map[string]string{"update_id": in.UpdateID, "client_status": strings.ToLower(in.Status), "media_url": in.MediaURL} {
					if v != "" {
						e.Data[k] = v
					}
				}
				return nil
			})
		if err != nil {
			return err
		}
		seq = t.Version
		return countClientWrite(ctx, tx, client, t.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	page, err := s.PublicUpdates(ctx, PublicUpdateQuery{Numbers: []string{in.Number}, PageSize: MaxOpen311PageSize})
	if err != nil {
		return nil, err
	}
	for i := range page.Updates {
		if page.Updates[i].Seq == seq {
			s.log.InfoContext(ctx, "open311 update recorded", "ticket", in.Number, "client", client.Name, "seq", seq)
			return &page.Updates[i], nil
		}
	}
	// The update is older than the default window (a replayed update_id).
	return &PublicNote{Number: in.Number, Seq: seq, Action: ticket.ActionAttach}, nil
}

// Open311TokenRequest returns the number of the request a tracking token
// belongs to, or ENOTFOUND.
func (s *Service) Open311TokenRequest(ctx context.Context, token string) (string, error) {
	var number string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := store.GetTicketByTrackingHash(ctx, tx, org.HashSecret(strings.TrimSpace(token)))
		if err != nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "token was not found")
		}
		number = t.Number
		return nil
	})
	return number, err
}

// OpenPublicMedia returns a file of a request that the public may see (see
// PublicMedia) and its content, or ENOTFOUND.
func (s *Service) OpenPublicMedia(ctx context.Context, number string, id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
	r, err := s.PublicRequest(ctx, number)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range r.Media {
		if m.ID != id {
			continue
		}
		var a *ticket.Attachment
		err := s.db.Read(ctx, func(tx *store.Tx) error {
			t, err := store.GetTicketByNumber(ctx, tx, r.Number)
			if err != nil {
				return err
			}
			a, err = store.GetAttachment(ctx, tx, t.ID, id)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		return s.tickets.OpenBlob(a)
	}
	return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "file %d of request %s not found", id, number)
}

// TicketAttributeView is a submitted attribute value with its definition's
// wording, for staff.
