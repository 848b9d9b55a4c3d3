package web_test

import (
	"net/http"
	"testing"

	"github.com/minsheng/minsheng/app"
)

func TestAutoDispatchSetting(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const base = `"max_returns":2,"max_extensions":1,"max_extension_days":10,"remind_before_hours":4,"escalate_after_days":1`
		if st := mustJSON[app.Settings](t, e.do(t, "GET", "/api/v1/settings/dispatch", "admin", nil), http.StatusOK); st.AutoDispatchConfidence != 0 {
			t.Errorf("automatic dispatch is on by default: %v", st.AutoDispatchConfidence)
		}
		st := mustJSON[app.Settings](t, e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", `{`+base+`,"auto_dispatch_confidence":0.9}`), http.StatusOK)
		if st.AutoDispatchConfidence != 0.9 {
			t.Errorf("set: %+v", st)
		}
		// A client that does not know the field leaves it as it is.
		st = mustJSON[app.Settings](t, e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", `{`+base+`}`), http.StatusOK)
		if st.AutoDispatchConfidence != 0.9 {
			t.Errorf("a PUT without the field changed it: %+v", st)
		}
		if st := mustJSON[app.Settings](t, e.do(t, "GET", "/api/v1/settings/dispatch", "dispatcher", nil), http.StatusOK); st.AutoDispatchConfidence != 0.9 {
			t.Errorf("read back %+v", st)
		}
		for _, v := range []string{"0.3", "1.5", `"high"`} {
			r := e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", `{`+base+`,"auto_dispatch_confidence":`+v+`}`)
			if r.status != http.StatusBadRequest {
				t.Errorf("threshold %s: %s", v, r)
			}
		}
		mustProblem(t, e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", `{`+base+`,"auto_dispatch_confidence":0.3}`),
			http.StatusBadRequest, "invalid", "auto_dispatch_confidence")
		mustJSON[app.Settings](t, e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", `{`+base+`,"auto_dispatch_confidence":0}`), http.StatusOK)
	})
}
