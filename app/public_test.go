package app_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// pngBytes is a tiny PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

func TestResidentLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		photo, err := s.PutUpload("C:\\photos\\井盖.png", bytes.NewReader(pngBytes))
		if err != nil || photo.Name != "井盖.png" {
			t.Fatalf("upload = %+v, %v", photo, err)
		}
		if _, err := s.PutUpload("evil.png", strings.NewReader("<html><script>alert(1)</script>")); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a script named .png was accepted: %v", err)
		}
		in := ticket.NewTicket{Description: "海湖路与文汇路交叉口井盖缺失，夜里很危险。", Kind: ticket.KindReport, CallerPhone: "13800001111", Address: "海湖路与文汇路交叉口"}
		rc, created, err := s.CreatePublicTicket(ctx, in, app.PublicIntake{Channel: ticket.ChannelWeb, Client: "portal", Key: "form-1"}, photo)
		if err != nil || !created || rc.Token == "" || rc.Ticket.CallerPhone != "138****1111" {
			t.Fatalf("public create = %+v, %v, %v", rc, created, err)
		}
		n := rc.Ticket.Number
		// The district took it in, so dispatchers see it.
		v := mustView(t, f, "dispatcher", n)
		if v.Ticket.Channel != ticket.ChannelWeb || v.Events[0].ActorID != 0 {
			t.Fatalf("staff view = %+v", v.Ticket)
		}
		if _, err := s.TrackTicket(ctx, n, "msr_wrong"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("wrong token: %v", err)
		}
		ok(t)(s.Dispatch(ctx, u["dispatcher"], n, f.Community.ID, ""))
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		f.Clock.Advance(24 * time.Hour)
		done, err := s.PutUpload("done.png", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		ok(t)(s.Reply(ctx, u["handler"], n, "已补装井盖并设置警示标志。", done))

		pv, err := s.TrackTicket(ctx, n, rc.Token)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Status != ticket.StatusReplied || pv.Unit != "海湖社区" || !pv.CanRate || pv.Reply == "" {
			t.Fatalf("public view = %+v", pv)
		}
		if len(pv.Attachments) != 2 {
			t.Fatalf("resident sees %d files, want their photo and the reply's", len(pv.Attachments))
		}
		for _, e := range pv.Events {
			if strings.Contains(e.Unit, "姓名") || strings.Contains(e.Text, "姓名") {
				t.Fatalf("public timeline names staff: %+v", e)
			}
		}
		_, rd, err := s.OpenTrackedAttachment(ctx, n, rc.Token, pv.Attachments[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rd)
		rd.Close()
		if !bytes.Equal(b, pngBytes) {
			t.Fatal("attachment content differs")
		}

		yes := true
		pv, err = s.RateTicket(ctx, n, rc.Token, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied, Note: "处理得很快"})
		if err != nil || pv.CanRate || pv.Satisfaction != ticket.Satisfied {
			t.Fatalf("rate = %+v, %v", pv, err)
		}
		if _, err := s.RateTicket(ctx, n, rc.Token, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Unsatisfied}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("second rating: %v", err)
		}
		ok(t)(s.Close(ctx, u["dispatcher"], n, ""))

		// A retried submission gives the same ticket and a fresh token.
		again, created, err := s.CreatePublicTicket(ctx, in, app.PublicIntake{Channel: ticket.ChannelWeb, Client: "portal", Key: "form-1"}, photo)
		if err != nil || created || again.Ticket.Number != n {
			t.Fatalf("retry = %+v %v %v", again, created, err)
		}
		if _, err := s.TrackTicket(ctx, n, rc.Token); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatal("the old token still works after a retry")
		}
		if _, err := s.TrackTicket(ctx, n, again.Token); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAttachAndOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		n := f.Dispatched(t).Number
		up, err := s.PutUpload("现场.png", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		ok(t)(s.Attach(ctx, u["handler"], n, "现场照片", up))
		if _, err := s.Attach(ctx, u["handler"], n, "无文件"); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("attach without files: %v", err)
		}
		many := make([]app.Upload, ticket.MaxAttachmentsPerAction+1)
		for i := range many {
			many[i] = up
		}
		if _, err := s.Attach(ctx, u["handler"], n, "", many...); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("too many files: %v", err)
		}
		v := mustView(t, f, "dispatcher", n)
		if len(v.Attachments) != 1 || v.Attachments[0].EventSeq != v.Events[len(v.Events)-1].Seq {
			t.Fatalf("attachments = %+v", v.Attachments)
		}
		id := v.Attachments[0].ID
		if _, _, err := s.OpenAttachment(ctx, u["other_handler"], n, id); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("another street opened the file: %v", err)
		}
		a, rd, err := s.OpenAttachment(ctx, u["handler"], n, id)
		if err != nil || a.ContentType != "image/png" {
			t.Fatalf("open = %+v, %v", a, err)
		}
		rd.Close()
	})
}
