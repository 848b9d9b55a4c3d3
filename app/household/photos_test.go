package household_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// tinyPNG is a 1×1 PNG image.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

// A visit keeps its photos (from the blob store, as tickets' files): a
// PDF or a seventh photo is refused and nothing is written; whoever sees
// the household opens them, nobody else.
func TestVisitPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		h := e.register(t, e.elderly("0001"))
		gw := e.Users["grid_worker"]
		photo := func() app.Upload {
			up, err := e.hh.PutPhoto("门口.png", bytes.NewReader(tinyPNG))
			if err != nil {
				t.Fatal(err)
			}
			return up
		}
		if _, err := e.hh.PutPhoto("证明.pdf", bytes.NewReader([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"))); field(err) != "file" {
			t.Errorf("a PDF as a visit's photo: %v", err)
		}
		at := e.Clock.Now().Add(-time.Hour)
		rec, err := e.hh.RecordVisit(ctx, gw, h.ID, household.NewVisit{At: at, Met: "本人"}, photo(), photo())
		if err != nil {
			t.Fatal(err)
		}
		many := []app.Upload{photo(), photo(), photo(), photo(), photo()}
		if _, err := e.hh.AddPhotos(ctx, gw, rec.Visit.ID, many...); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Fatalf("an eighth photo: %v", err)
		}
		if _, err := e.hh.AddPhotos(ctx, gw, rec.Visit.ID, many[:4]...); err != nil {
			t.Fatal(err)
		}
		v, err := e.hh.Get(ctx, e.Users["handler"], h.ID)
		if err != nil || len(v.Photos) != household.MaxVisitPhotos || v.Photos[0].VisitID != rec.Visit.ID || v.Photos[0].ContentType != "image/png" {
			t.Fatalf("photos %+v %v", v.Photos, err)
		}
		p, f, err := e.hh.OpenPhoto(ctx, e.Users["handler"], v.Photos[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(b, tinyPNG) || p.Name != "门口.png" {
			t.Errorf("photo %q: %d bytes", p.Name, len(b))
		}
		if _, _, err := e.hh.OpenPhoto(ctx, e.Users["other_handler"], v.Photos[0].ID); minsheng.ErrorCode(err) != minsheng.ENOTFOUND {
			t.Errorf("another street's handler opens the photo: %v", err)
		}
		if _, err := e.hh.AddPhotos(ctx, e.Users["leader"], rec.Visit.ID, photo()); minsheng.ErrorCode(err) != minsheng.EFORBIDDEN {
			t.Errorf("a leader adds a photo: %v", err)
		}
	})
}
