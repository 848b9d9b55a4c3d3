package project_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Photos of progress: the responsible unit adds them (photos only, of a
// milestone or of the project); anyone opens them from the public list.
func TestProjectPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appproject.New(f.Svc.Kit(), f.Svc)
		p, err := svc.Create(ctx, f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-07", Title: "健身步道", UnitID: f.Street.ID,
			Milestones: []project.Milestone{{Title: "完工", Planned: f.Clock.Now().AddDate(0, 1, 0)}}})
		if err != nil {
			t.Fatal(err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 80)...)
		photo, err := svc.PutUpload("步道.png", bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := svc.PutUpload("验收.pdf", bytes.NewReader([]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddPhotos(ctx, f.Users["street_handler"], p.Code, 0, pdf); reason(err) != "photo_type" {
			t.Errorf("a PDF as a photo: %v", err)
		}
		if _, err := svc.AddPhotos(ctx, f.Users["other_handler"], p.Code, 0, photo); err == nil {
			t.Error("another street added a photo")
		}
		if _, err := svc.AddPhotos(ctx, f.Users["street_handler"], p.Code, 2, photo); field(err) != "invalid:milestone" {
			t.Errorf("a photo of no milestone: %v", err)
		}
		if _, err := svc.AddPhotos(ctx, f.Users["street_handler"], p.Code, 1, []app.Upload{photo, photo}...); err != nil {
			t.Fatal(err)
		}
		pub, err := svc.Public(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub) != 1 || len(pub[0].Photos) != 2 || pub[0].Photos[0].Milestone != 1 {
			t.Fatalf("the public list's photos: %+v", pub)
		}
		ph, r, err := svc.OpenPhoto(ctx, p.Code, pub[0].Photos[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(b, png) || ph.ContentType != "image/png" {
			t.Errorf("the photo reads %d bytes of %s", len(b), ph.ContentType)
		}
		if _, _, err := svc.OpenPhoto(ctx, "2026-99", pub[0].Photos[1].ID); err == nil {
			t.Error("a photo opened through another project's code")
		}
	})
}

// Residents rate a completed project once per phone; not before.
func TestRating(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appproject.New(f.Svc.Kit(), f.Svc)
		p, err := svc.Create(ctx, f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-08", Title: "社区书屋", UnitID: f.Street.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, p.Code, "13900001111", 5); reason(err) != "not_completed" {
			t.Errorf("rated before completion: %v", err)
		}
		if _, err := svc.Act(ctx, f.Users["street_handler"], p.Code, project.ActionStart, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, f.Users["street_handler"], p.Code, project.ActionComplete, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, p.Code, "13900001111", 6); field(err) != "invalid:stars" {
			t.Errorf("six stars: %v", err)
		}
		if _, err := svc.Rate(ctx, p.Code, "13900001111", 5); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, p.Code, "139-0000-1111", 1); reason(err) != "rated" {
			t.Errorf("a phone rated twice: %v", err)
		}
		r, err := svc.Rate(ctx, p.Code, "13900002222", 4)
		if err != nil || r.Count != 2 || r.Average != 4.5 {
			t.Errorf("the rating: %+v %v", r, err)
		}
		pub, _ := svc.Public(ctx, 2026)
		if pub[0].Rating != r {
			t.Errorf("the public list's rating: %+v", pub[0].Rating)
		}
	})
}
