package open311_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web/open311"
)

// FuzzRequestForm posts any urlencoded body (after a valid api_key) to
// POST /requests.json: whatever a client sends, the answer is no server
// fault (below 500) and is a JSON document, and the caller's phone, when
// accepted, never comes back in it. The seeds run in every `go test`; run
// longer with `go test -run '^$' -fuzz FuzzRequestForm ./web/open311`.
func FuzzRequestForm(f *testing.F) {
	db := storetest.Open(f, "sqlite")
	fx := apptest.New(f, db)
	svc := o311.New(fx.Svc.Kit(), fx.Svc)
	h := open311.New(open311.Config{Service: svc, BaseURL: base, Logger: slog.New(slog.DiscardHandler), Now: fx.Clock.Now,
		RatePerMinute: -1, AnonymousPerMinute: -1})
	k, err := svc.CreateAPIClient(ctx, kit.System(), o311.NewAPIClient{Name: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	code := fx.Category.Code
	for _, seed := range []string{
		"service_code=" + code + "&lat=36.6171&long=101.7782&description=%E7%94%B5%E6%A2%AF%E5%81%9C%E8%BF%90&phone=13897001234",
		"service_code=" + code + "&address_string=%E6%B5%B7%E6%B9%96%E8%B7%AF18%E5%8F%B7&attribute[who][]=a&attribute[who][]=b",
		"service_code=" + code + "&lat=NaN&long=Inf&description=x",
		"service_code=" + code + "&lat=1e309&long=-1e309&description=x",
		"service_code=nothing&description=x",
		"service_code=" + code + "&description=%ff%fe&first_name=%00",
		"service_code=" + code + "&description=" + strings.Repeat("a", 5000),
		"%zz&&==&attribute[=1&attribute]=2",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader("api_key="+k.Key+"&"+body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("status %d, not JSON for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusCreated && strings.Contains(rec.Body.String(), "13897001234") {
			t.Fatalf("the answer shows the caller's phone: %s", rec.Body)
		}
	})
}
