package main

import (
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/web"
)

// serveConfig parses serve's flags with the environment and returns the
// web.Config they make.
func serveConfig(t *testing.T, env map[string]string, args ...string) (web.Config, error) {
	t.Helper()
	c := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.flags(fs, func(k string) string { return env[k] }, true)
	if err := parse(fs, args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return c.webConfig(slog.New(slog.DiscardHandler))
}

func TestServeWebConfig(t *testing.T) {
	wc, err := serveConfig(t, nil)
	if err != nil || wc.PublicURL != "" || wc.Open311Jurisdiction != "" || wc.RealIPHeader != "" ||
		wc.PublicPerIP != (web.Rate{}) || wc.PublicPerPhone != (web.Rate{}) || wc.Version != Version {
		t.Fatalf("defaults: %+v, %v", wc, err)
	}

	env := map[string]string{
		"MINSHENG_PUBLIC_URL":           "https://12345.chengxi.gov.cn/",
		"MINSHENG_OPEN311_JURISDICTION": "chengxi",
		"MINSHENG_REAL_IP_HEADER":       "x-forwarded-for",
		"MINSHENG_PUBLIC_PER_IP":        "20/m",
		"MINSHENG_PUBLIC_PER_PHONE":     "3/24h",
	}
	wc, err = serveConfig(t, env)
	if err != nil {
		t.Fatal(err)
	}
	want := web.Config{PublicURL: "https://12345.chengxi.gov.cn", Open311Jurisdiction: "chengxi", RealIPHeader: "x-forwarded-for",
		PublicPerIP: web.Rate{N: 20, Per: time.Minute}, PublicPerPhone: web.Rate{N: 3, Per: 24 * time.Hour}}
	if wc.PublicURL != want.PublicURL || wc.Open311Jurisdiction != want.Open311Jurisdiction || wc.RealIPHeader != want.RealIPHeader ||
		wc.PublicPerIP != want.PublicPerIP || wc.PublicPerPhone != want.PublicPerPhone {
		t.Errorf("from the environment: %+v", wc)
	}

	// Flags win over the environment.
	wc, err = serveConfig(t, env, "-public-url", "http://127.0.0.1:8080", "-open311-jurisdiction", "", "-real-ip-header", "X-Real-IP",
		"-public-per-ip", "100/1h30m")
	if err != nil {
		t.Fatal(err)
	}
	if wc.PublicURL != "http://127.0.0.1:8080" || wc.Open311Jurisdiction != "" || wc.RealIPHeader != "X-Real-IP" ||
		wc.PublicPerIP != (web.Rate{N: 100, Per: 90 * time.Minute}) {
		t.Errorf("from flags: %+v", wc)
	}

	for _, tc := range []struct{ flag, value string }{
		{"-public-url", "12345.chengxi.gov.cn"},
		{"-public-url", "ftp://12345.chengxi.gov.cn"},
		{"-public-url", "https://12345.chengxi.gov.cn/?x=1"},
		{"-public-url", "https://"},
		{"-real-ip-header", "X-Real-IP: 1"},
		{"-public-per-ip", "10"},
		{"-public-per-ip", "0/m"},
		{"-public-per-ip", "ten/m"},
		{"-public-per-phone", "5/forever"},
		{"-public-per-phone", "5/1ms"},
	} {
		if _, err := serveConfig(t, nil, tc.flag, tc.value); err == nil || !strings.HasPrefix(err.Error(), tc.flag+":") {
			t.Errorf("%s %q: %v, want an error naming the flag", tc.flag, tc.value, err)
		}
	}
}

func TestRateString(t *testing.T) {
	for _, r := range []web.Rate{web.DefaultPublicPerIP, web.DefaultPublicPerPhone, {N: 3, Per: 90 * time.Minute}, {N: 7, Per: 10 * time.Second}} {
		s := rateString(r)
		back, err := parseRate(s)
		if err != nil || back != r {
			t.Errorf("%+v → %q → %+v, %v", r, s, back, err)
		}
	}
	if s := rateString(web.DefaultPublicPerIP); s != "10/1m" {
		t.Errorf("default per IP is written %q", s)
	}
}

// TestServeOpen311 starts "minsheng serve" with the Open311 settings and
// checks that the server mounts Open311 with them.
func TestServeOpen311(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "-no-demo", "-public-url", "https://12345.chengxi.gov.cn", "-open311-jurisdiction", "chengxi",
		"-real-ip-header", "X-Real-IP")
	get := func(path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(srv.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get("/open311/v2/discovery.json")
	var d struct {
		Endpoints []struct {
			URL string `json:"url"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(body, &d); code != http.StatusOK || err != nil || len(d.Endpoints) != 1 ||
		d.Endpoints[0].URL != "https://12345.chengxi.gov.cn/open311/v2" {
		t.Errorf("discovery: %d %s", code, body)
	}
	if code, body := get("/open311/v2/services.json?jurisdiction_id=elsewhere"); code != http.StatusNotFound {
		t.Errorf("another jurisdiction: %d %s", code, body)
	}
	// A page of another site reaches Open311, which wants an api_key.
	req, _ := http.NewRequest("POST", srv.url+"/open311/v2/requests.json", strings.NewReader("service_code=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "api_key") {
		t.Errorf("cross-site post: %d %s", resp.StatusCode, body)
	}

	// A bad setting stops the server before it opens anything.
	cmd := exec.Command(binary, "serve", "-public-url", "12345.chengxi.gov.cn")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-public-url") {
		t.Errorf("serve -public-url without a scheme: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(cmd.Dir); len(entries) > 0 {
		t.Errorf("serve with a bad setting left %d files", len(entries))
	}
}

// -db-replica repeats; the first flag replaces the environment's URLs.
// Replicas are PostgreSQL's: serve refuses them on SQLite, before it
// listens.
func TestServeDBReplica(t *testing.T) {
	parseReplicas := func(env map[string]string, args ...string) (*Config, error) {
		c := DefaultConfig()
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs, func(k string) string { return env[k] }, true)
		return &c, parse(fs, args)
	}
	env := map[string]string{"MINSHENG_DB_REPLICAS": "postgres://a:5432/x postgres://b:5432/x"}
	c, err := parseReplicas(env)
	if err != nil || strings.Join(c.DBReplicas, " ") != env["MINSHENG_DB_REPLICAS"] || c.DBReplicaMaxLag != 10*time.Second {
		t.Fatalf("from the environment: %q %s %v", c.DBReplicas, c.DBReplicaMaxLag, err)
	}
	c, err = parseReplicas(env, "-db-replica", "postgres://c:5432/x", "-db-replica", "postgresql://d:5432/x", "-db-replica-max-lag", "3s")
	if err != nil || strings.Join(c.DBReplicas, " ") != "postgres://c:5432/x postgresql://d:5432/x" || c.DBReplicaMaxLag != 3*time.Second {
		t.Fatalf("from flags: %q %s %v", c.DBReplicas, c.DBReplicaMaxLag, err)
	}
	if _, err := parseReplicas(nil, "-db-replica", "sqlite:replica.db"); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("a replica that is not a postgres:// URL: %v", err)
	}

	dir := t.TempDir()
	err = cmdServe(t.Context(), []string{"-db", "sqlite:" + dir + "/m.db", "-no-demo", "-addr", "127.0.0.1:0",
		"-files", dir + "/files", "-db-replica", "postgres://127.0.0.1:1/test"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-db-replica: read replicas need PostgreSQL") {
		t.Fatalf("serve on SQLite with a replica: %v", err)
	}
}
