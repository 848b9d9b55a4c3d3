package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/web"
)

// loadMaxDuration bounds a run whose -duration is not given.
const loadMaxDuration = 10 * time.Minute

// loadConfig is what one load run does.
type loadConfig struct {
	BaseURL  string // one server, or several separated by commas (app nodes on one database)
	Token    string
	Clients  int
	N        int           // tickets in the measured run; 0: until Duration
	Duration time.Duration // the measured run stops after this long
	Warmup   time.Duration // tickets created first for this long are not counted
	Timeout  time.Duration // of one request

	CPUProfile string // file for a CPU profile of the measured run
}

// cmdLoad creates tickets over HTTP with many concurrent clients and prints
// the rate and the latencies: `minsheng load -url … -token …` against a
// running server, or `minsheng load -self` against a server it starts in
// the same process on a new SQLite database.
func cmdLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := loadConfig{}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.BaseURL, "url", "http://127.0.0.1:8080", "base URL of the server to load; several app nodes separated by commas share the clients")
	fs.StringVar(&c.Token, "token", getenv("MINSHENG_TOKEN"), "API token of a user who may register tickets (an agent); also MINSHENG_TOKEN")
	fs.IntVar(&c.Clients, "clients", 32, "concurrent clients, each sending one request at a time")
	fs.IntVar(&c.N, "n", 10000, "tickets to create in the measured run; 0 for as many as -duration allows")
	fs.DurationVar(&c.Duration, "duration", 0, "stop the measured run after this long (default and maximum without it: 10m)")
	fs.DurationVar(&c.Warmup, "warmup", 0, "create tickets for this long before measuring; they are not counted")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "timeout of one request")
	self := fs.Bool("self", false, "start a server in this process on 127.0.0.1, over a new SQLite database (or -db), and load it")
	dsn := fs.String("db", "", "with -self: the database to serve (default: a new SQLite file in a temporary folder, removed afterwards)")
	scale := fs.Bool("scale", false, "with several -url: measure with the first node, then the first two, and so on, and print the figures side by side")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured run to this file (with -self it covers the server too)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case c.Clients < 1 || c.Clients > 10000:
		return errors.New("load: -clients must be between 1 and 10000")
	case c.N < 0 || c.Duration < 0 || c.Warmup < 0:
		return errors.New("load: -n, -duration and -warmup must not be negative")
	case c.N == 0 && c.Duration == 0:
		return errors.New("load: give -n or -duration, or both")
	case c.Timeout <= 0:
		return errors.New("load: -timeout must be positive")
	}
	if c.Duration == 0 {
		c.Duration = loadMaxDuration
	}
	if *dsn != "" && !*self {
		return errors.New("load: -db goes with -self")
	}
	if *self {
		srv, err := startSelf(ctx, *dsn, getenv)
		if err != nil {
			return fmt.Errorf("load -self: %w", err)
		}
		defer srv.close()
		c.BaseURL, c.Token = srv.url, srv.token
		fmt.Fprintf(stdout, "server: in this process at %s, database %s\n", srv.url, srv.where)
	}
	if c.Token == "" {
		return errors.New("load: an API token is needed: -token or MINSHENG_TOKEN (make one with: minsheng user token -username NAME)")
	}
	c.CPUProfile = *cpuprofile
	if *scale {
		return loadScale(ctx, c, stdout)
	}
	res, err := runLoad(ctx, c, stdout)
	if err != nil {
		return err
	}
	res.print(stdout, c)
	if n := res.failed(); n > 0 {
		return fmt.Errorf("load: %d of %d requests failed", n, res.Requests)
	}
	return nil
}

// ---------------------------------------------------------------------------
// The in-process server of -self.

type selfServer struct {
	url, token, where string
	close             func()
}

// startSelf serves a new database (or dsn) on a free loopback port, wired
// as `minsheng serve` wires it (the job queue and scheduler, the file
// store, the API's settings from MINSHENG_* variables), with a district,
// an agent, two categories and the agent's API token made through the use
// cases. Its log lines are formatted as in production and then dropped.
func startSelf(ctx context.Context, dsn string, getenv func(string) string) (*selfServer, error) {
	var cleanup []func()
	done := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	fail := func(err error) (*selfServer, error) {
		done()
		return nil, err
	}
	dir, err := os.MkdirTemp("", "minsheng-load-")
	if err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { os.RemoveAll(dir) })
	where := dsn
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(dir, "load.db")
		where = dsn + " (new, removed afterwards)"
	}
	c := DefaultConfig()
	c.DB, c.Files = dsn, filepath.Join(dir, "files")
	log := slog.New(web.LogHandler(slog.NewJSONHandler(io.Discard, nil)))
	wc, err := c.webConfig(log)
	if err != nil {
		return fail(err)
	}
	db, err := c.open(ctx)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, func() { db.Close() })
	blobs, err := blob.Open(c.Files)
	if err != nil {
		return fail(err)
	}
	svc := app.New(app.Config{DB: db, Logger: log, Blobs: blobs, Jobs: jobs.Queue{}})
	token, err := seedLoad(ctx, svc)
	if err != nil {
		return fail(fmt.Errorf("seed: %w", err))
	}
	stopJobs, err := startJobs(ctx, &c, getenv, db, svc, log)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, stopJobs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	wc.Service = svc
	hs := &http.Server{Handler: web.NewServer(wc), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	cleanup = append(cleanup, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	})
	return &selfServer{url: "http://" + ln.Addr().String(), token: token, where: where, close: done}, nil
}

// seedLoad makes what the load needs in db: a unit, an agent in it, two
// categories, and the agent's API token, which it returns. The names carry a
// random suffix, so that a database given with -db may already hold data.
func seedLoad(ctx context.Context, svc *app.Service) (string, error) {
	suffix := randomHex(4)
	unit, err := svc.CreateUnit(ctx, kit.System(), app.NewUnit{Kind: org.KindDistrict, Code: "load-" + suffix, Name: "压测区"})
	if err != nil {
		return "", err
	}
	root, err := svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "load-" + suffix, Name: "城乡建设"})
	if err != nil {
		return "", err
	}
	for i, name := range []string{"物业管理", "市政设施"} {
		if _, err := svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: root.ID, Code: fmt.Sprintf("load-%s.%d", suffix, i), Name: name}); err != nil {
			return "", err
		}
	}
	hash, err := org.HashPassword(randomHex(16))
	if err != nil {
		return "", err
	}
	username := "load-" + suffix
	if _, err := svc.CreateUserWithHash(ctx, app.NewUser{Username: username, Name: "压测坐席", Role: org.RoleAgent, UnitID: unit.ID}, hash); err != nil {
		return "", err
	}
	return svc.CreateAPIToken(ctx, kit.System(), username, "minsheng load")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---------------------------------------------------------------------------
// The load.

// loadResult holds the figures of the measured run.
type loadResult struct {
	Requests  int            // requests answered or failed in the measured run
	Created   int            // answered 201 Created
	Errors    map[string]int // by HTTP status, or "transport" for no answer
	FirstErr  map[string]string
	Elapsed   time.Duration
	Latencies []time.Duration // of every answered request, sorted
	Warmup    int             // requests of the warm-up, not counted above
}

func (r *loadResult) failed() int {
	n := 0
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// percentile returns the latency below which the fraction p of requests fall.
func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

func (r *loadResult) print(w io.Writer, c loadConfig) {
	if c.Warmup > 0 {
		fmt.Fprintf(w, "warmup:    %s, %d requests (not counted)\n", c.Warmup, r.Warmup)
	}
	fmt.Fprintf(w, "total:     %d requests\n", r.Requests)
	fmt.Fprintf(w, "created:   %d\n", r.Created)
	if n := r.failed(); n == 0 {
		fmt.Fprintf(w, "errors:    0\n")
	} else {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s: %d", k, r.Errors[k]))
		}
		fmt.Fprintf(w, "errors:    %d (%s)\n", n, strings.Join(parts, ", "))
		for _, k := range keys {
			fmt.Fprintf(w, "  first %s: %s\n", k, r.FirstErr[k])
		}
	}
	fmt.Fprintf(w, "elapsed:   %.3fs\n", r.Elapsed.Seconds())
	rate := 0.0
	if r.Elapsed > 0 {
		rate = float64(r.Created) / r.Elapsed.Seconds()
	}
	fmt.Fprintf(w, "rate:      %.1f tickets/s\n", rate)
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	}
	var maxLat time.Duration
	if len(r.Latencies) > 0 {
		maxLat = r.Latencies[len(r.Latencies)-1]
	}
	fmt.Fprintf(w, "latency:   p50 %s  p90 %s  p99 %s  max %s\n",
		ms(r.percentile(0.50)), ms(r.percentile(0.90)), ms(r.percentile(0.99)), ms(maxLat))
}

// loader sends the requests of a run.
type loader struct {
	c          loadConfig
	client     *http.Client
	endpoints  []string // client i sends to endpoints[i % len]
	runID      string
	categories []int64
	seq        atomic.Int64
}

// runLoad checks the token, runs the warm-up and then the measured run.
func runLoad(ctx context.Context, c loadConfig, stdout io.Writer) (*loadResult, error) {
	bases, err := loadURLs(c.BaseURL)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               nil, // straight to the server: a proxy would be measured too
		MaxIdleConns:        c.Clients * 4,
		MaxIdleConnsPerHost: c.Clients,
		MaxConnsPerHost:     c.Clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	l := &loader{c: c, client: &http.Client{Transport: tr, Timeout: c.Timeout}, runID: randomHex(6)}
	for _, b := range bases {
		l.endpoints = append(l.endpoints, b+"/api/v1/tickets")
	}
	for _, b := range bases {
		if err := l.prepare(ctx, b); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stdout, "load: %d clients, POST %s, %s\n", c.Clients, strings.Join(l.endpoints, " "), l.bounds())
	res := &loadResult{}
	if c.Warmup > 0 {
		w := l.phase(ctx, 0, c.Warmup)
		res.Warmup = w.Requests
	}
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	m := l.phase(ctx, c.N, c.Duration)
	m.Warmup = res.Warmup
	if err := ctx.Err(); err != nil {
		return m, fmt.Errorf("load: interrupted: %w", err)
	}
	return m, nil
}

// loadURLs splits -url into the base URLs of the nodes.
func loadURLs(s string) ([]string, error) {
	var out []string
	for _, u := range strings.Split(s, ",") {
		u = strings.TrimSuffix(strings.TrimSpace(u), "/")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("load: -url %q must start with http:// or https://", u)
		}
		out = append(out, u)
	}
	return out, nil
}

// loadScale runs the load against the first node, then the first two, and
// so on (each run with its warm-up), and prints each run's figures and then
// all of them side by side.
func loadScale(ctx context.Context, c loadConfig, stdout io.Writer) error {
	bases, err := loadURLs(c.BaseURL)
	if err != nil {
		return err
	}
	if c.CPUProfile != "" {
		return errors.New("load: -cpuprofile does not go with -scale")
	}
	var results []*loadResult
	for k := 1; k <= len(bases); k++ {
		ck := c
		ck.BaseURL = strings.Join(bases[:k], ",")
		fmt.Fprintf(stdout, "\n%d node(s):\n", k)
		res, err := runLoad(ctx, ck, stdout)
		if err != nil {
			return err
		}
		res.print(stdout, ck)
		results = append(results, res)
	}
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
	}
	fmt.Fprintf(stdout, "\n%d clients in all, spread over the nodes\n", c.Clients)
	fmt.Fprintf(stdout, "%-6s %10s %10s %8s %8s %8s %8s %7s\n", "nodes", "created", "tickets/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
	failed := 0
	for i, r := range results {
		rate := 0.0
		if r.Elapsed > 0 {
			rate = float64(r.Created) / r.Elapsed.Seconds()
		}
		var maxLat time.Duration
		if len(r.Latencies) > 0 {
			maxLat = r.Latencies[len(r.Latencies)-1]
		}
		fmt.Fprintf(stdout, "%-6d %10d %10.1f %8s %8s %8s %8s %7d\n", i+1, r.Created, rate,
			ms(r.percentile(0.50)), ms(r.percentile(0.90)), ms(r.percentile(0.99)), ms(maxLat), r.failed())
		failed += r.failed()
	}
	if failed > 0 {
		return fmt.Errorf("load: %d requests failed", failed)
	}
	return nil
}

func (l *loader) bounds() string {
	if l.c.N > 0 {
		return fmt.Sprintf("%d tickets (at most %s)", l.c.N, l.c.Duration)
	}
	return fmt.Sprintf("for %s", l.c.Duration)
}

// prepare checks the token with GET /api/v1/me and reads the categories, so
// that tickets can name one.
func (l *loader) prepare(ctx context.Context, base string) error {
	get := func(path string, v any) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+l.c.Token)
		resp, err := l.client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		if err != nil {
			return resp.StatusCode, err
		}
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(b))
		}
		return resp.StatusCode, json.Unmarshal(b, v)
	}
	var me struct {
		Username string `json:"username"`
		Role     string `json:"role"`
	}
	if _, err := get("/api/v1/me", &me); err != nil {
		return fmt.Errorf("load: the server did not accept the token: %w", err)
	}
	var cats struct {
		Categories []struct {
			ID       int64 `json:"id"`
			ParentID int64 `json:"parent_id"`
			Active   bool  `json:"active"`
		} `json:"categories"`
	}
	if _, err := get("/api/v1/categories", &cats); err == nil {
		parents := map[int64]bool{}
		for _, c := range cats.Categories {
			parents[c.ParentID] = true
		}
		for _, c := range cats.Categories {
			if c.Active && !parents[c.ID] {
				l.categories = append(l.categories, c.ID)
			}
		}
	}
	return nil
}

// phase runs the clients until n requests were sent (n > 0) or d has passed,
// whichever comes first, and waits for the requests in flight.
func (l *loader) phase(ctx context.Context, n int, d time.Duration) *loadResult {
	var issued atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	type part struct {
		lat      []time.Duration
		created  int
		errors   map[string]int
		firstErr map[string]string
	}
	parts := make([]part, l.c.Clients)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[i]
			p.errors, p.firstErr = map[string]int{}, map[string]string{}
			gen := newTicketGen(uint64(start.UnixNano()), uint64(i), l.categories)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if n > 0 && issued.Add(1) > int64(n) {
					return
				}
				lat, status, msg := l.post(ctx, gen, l.endpoints[i%len(l.endpoints)])
				switch {
				case status == http.StatusCreated:
					p.created++
					p.lat = append(p.lat, lat)
				case status == 0 && ctx.Err() != nil:
					return // interrupted: not the server's fault
				default:
					key := "transport"
					if status != 0 {
						key = strconv.Itoa(status)
						p.lat = append(p.lat, lat)
					}
					if p.errors[key] == 0 {
						p.firstErr[key] = msg
					}
					p.errors[key]++
				}
			}
		}()
	}
	wg.Wait()
	res := &loadResult{Elapsed: time.Since(start), Errors: map[string]int{}, FirstErr: map[string]string{}}
	for _, p := range parts {
		res.Created += p.created
		res.Latencies = append(res.Latencies, p.lat...)
		for k, v := range p.errors {
			if res.Errors[k] == 0 {
				res.FirstErr[k] = p.firstErr[k]
			}
			res.Errors[k] += v
		}
	}
	res.Requests = res.Created + res.failed()
	slices.Sort(res.Latencies)
	return res
}

// post sends one new ticket and returns how long the answer took, its
// status (0 when there was none) and, for a failure, what went wrong.
func (l *loader) post(ctx context.Context, gen *ticketGen, endpoint string) (time.Duration, int, string) {
	body, err := json.Marshal(gen.next())
	if err != nil {
		return 0, 0, err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+l.c.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", l.runID+"-"+strconv.FormatInt(l.seq.Add(1), 10))
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		return time.Since(start), 0, err.Error()
	}
	var msg string
	if resp.StatusCode == http.StatusCreated {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		var b []byte
		b, err = io.ReadAll(io.LimitReader(resp.Body, 500))
		msg = string(bytes.TrimSpace(b))
	}
	resp.Body.Close()
	lat := time.Since(start)
	if err != nil {
		return lat, 0, err.Error()
	}
	return lat, resp.StatusCode, msg
}

// ---------------------------------------------------------------------------
// Tickets that read like the hotline's: every kind, the district's roads and
// estates, callers with names and mobile numbers.

// newTicketIn is the body of POST /api/v1/tickets.
type newTicketIn struct {
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description"`
	Kind        string   `json:"kind"`
	Urgency     string   `json:"urgency,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	CallerName  string   `json:"caller_name,omitempty"`
	CallerPhone string   `json:"caller_phone,omitempty"`
	Address     string   `json:"address,omitempty"`
	CategoryID  int64    `json:"category_id,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lng         *float64 `json:"lng,omitempty"`
}

// loadProblem is something people call about, with the kinds of request it
// comes as.
type loadProblem struct {
	what  string
	kinds []string
}

var (
	loadProblems = []loadProblem{
		{"电梯停运多日无人维修", []string{"complaint", "help"}},
		{"暖气不热，室温只有十几度", []string{"complaint", "help"}},
		{"楼道里闻到燃气味", []string{"help", "report"}},
		{"停水没有提前通知", []string{"complaint", "inquiry"}},
		{"自来水发黄有异味", []string{"complaint", "report"}},
		{"夜间施工噪音扰民", []string{"complaint", "report"}},
		{"广场舞音响声音太大", []string{"complaint", "suggestion"}},
		{"垃圾桶满溢没人清理", []string{"complaint"}},
		{"建筑垃圾乱倒", []string{"report", "complaint"}},
		{"餐馆油烟直排扰民", []string{"complaint", "report"}},
		{"路灯不亮，晚上出行不安全", []string{"complaint", "suggestion"}},
		{"窨井盖缺失", []string{"report", "help"}},
		{"路面塌陷", []string{"report", "help"}},
		{"小区周边乱停车，消防通道被堵", []string{"complaint", "report"}},
		{"公交车不按站停靠", []string{"complaint", "suggestion"}},
		{"楼顶私搭乱建", []string{"report"}},
		{"物业不作为，楼道门禁坏了不修", []string{"complaint"}},
		{"工地拖欠农民工工资", []string{"help", "complaint"}},
		{"低保申请迟迟没有结果", []string{"inquiry", "help"}},
		{"医保异地就医备案怎么办理", []string{"inquiry"}},
		{"社保卡丢失补办流程", []string{"inquiry"}},
		{"孩子入学报名需要哪些材料", []string{"inquiry"}},
		{"老年人助餐点关闭", []string{"help", "suggestion"}},
		{"超市销售过期食品", []string{"report", "complaint"}},
		{"预付卡商家关门跑路", []string{"complaint", "help"}},
		{"占道经营影响通行", []string{"report", "complaint"}},
		{"绿化带树木枯死", []string{"suggestion", "complaint"}},
		{"希望增开早高峰公交线路", []string{"suggestion"}},
		{"社区工作人员上门帮独居老人修好了水管", []string{"praise"}},
		{"网格员连夜帮忙疏通下水道", []string{"praise"}},
	}
	loadRoads    = []string{"海湖路", "五四大街", "西关大街", "胜利路", "文汇路", "冷湖路", "兴海路", "虎台路", "黄河路", "昆仑路", "通海路", "新宁路", "文成路", "西川南路"}
	loadEstates  = []string{"海湖小区", "阳光家园", "万达华府", "锦绣花园", "西川小区", "福泰家园", "康乐小区", "文亭苑", "光明里", "新村家属院", "杨家寨新村", "彭家寨安置小区"}
	loadSince    = []string{"已经持续三天了", "已有一周多", "反映过多次一直没有解决", "今天早上发现的", "从上个月开始就这样", "最近半个月每天都这样", "昨天晚上开始的"}
	loadImpact   = []string{"严重影响居民正常生活", "老人孩子出行很不方便", "存在安全隐患", "楼里住户意见很大", "晚上无法休息", "给周边商户造成损失"}
	loadAsk      = []string{"希望相关部门尽快处理。", "请求尽快派人到现场查看。", "希望给予答复。", "请相关单位核实处理并回复。", "希望彻底解决，不要再反复。"}
	loadSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "祁", "冶", "朱", "周", "吴", "何", "孙"}
	loadGiven    = []string{"秀兰", "建国", "海燕", "志强", "玉梅", "德明", "桂英", "文华", "晓东", "丽娟", "春花", "永福", "卓玛", "才让", "淑芬", "国庆"}
	loadMobile   = []string{"130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "155", "157", "158", "177", "180", "186", "187", "189", "199"}
	loadChannels = []string{"phone", "phone", "phone", "phone", "phone", "phone", "app", "app", "web", "grid"}
)

// ticketGen makes varied tickets; each client has its own.
type ticketGen struct {
	r          *mrand.Rand
	categories []int64
}

func newTicketGen(seed, stream uint64, categories []int64) *ticketGen {
	return &ticketGen{r: mrand.New(mrand.NewPCG(seed, stream)), categories: categories}
}

func loadPick(r *mrand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func (g *ticketGen) next() newTicketIn {
	r := g.r
	p := loadProblems[r.IntN(len(loadProblems))]
	kind := loadPick(r, p.kinds)
	estate := loadPick(r, loadEstates)
	road := loadPick(r, loadRoads)
	addr := fmt.Sprintf("城西区%s%d号%s%d号楼%d单元", road, 1+r.IntN(150), estate, 1+r.IntN(24), 1+r.IntN(4))
	in := newTicketIn{Kind: kind, Channel: loadPick(r, loadChannels), Address: addr}
	switch kind {
	case "inquiry":
		in.Title = "咨询：" + p.what
		in.Description = fmt.Sprintf("来电人咨询%s。来电人住在%s，%s。", p.what, estate, loadPick(r, []string{"希望工作人员告知办理流程和所需材料", "问清楚在哪里办理、多久能办好", "想了解最新政策"}))
	case "praise":
		in.Title = "表扬：" + p.what
		in.Description = fmt.Sprintf("来电人表扬%s的工作人员：%s，服务热情周到，特此致谢。", estate, p.what)
	case "suggestion":
		in.Title = "建议：" + p.what
		in.Description = fmt.Sprintf("来电人建议：%s%s附近%s，%s，希望有关部门统筹考虑。", road, estate, p.what, loadPick(r, loadImpact))
	case "report":
		in.Title = "举报" + estate + p.what
		in.Description = fmt.Sprintf("来电人举报：%s%s，%s，%s。%s", addr, p.what, loadPick(r, loadSince), loadPick(r, loadImpact), loadPick(r, loadAsk))
	default:
		in.Title = estate + p.what
		in.Description = fmt.Sprintf("来电人反映：%s%s，%s，%s。%s", addr, p.what, loadPick(r, loadSince), loadPick(r, loadImpact), loadPick(r, loadAsk))
	}
	if r.IntN(4) == 0 {
		in.Title = "" // the server makes one from the description
	}
	switch n := r.IntN(100); {
	case n < 2:
		in.Urgency = "critical"
	case n < 9:
		in.Urgency = "urgent"
	case n < 50:
		in.Urgency = "normal"
	}
	if in.Channel != "grid" {
		in.CallerName = loadPick(r, loadSurnames) + loadPick(r, loadGiven)
		in.CallerPhone = loadPick(r, loadMobile) + fmt.Sprintf("%08d", r.IntN(100_000_000))
		if r.IntN(10) == 0 {
			in.CallerPhone = "0971-" + fmt.Sprintf("%07d", 6000000+r.IntN(4_000_000)) // a Xining landline
		}
	}
	if len(g.categories) > 0 && r.IntN(10) < 7 {
		in.CategoryID = g.categories[r.IntN(len(g.categories))]
	}
	if r.IntN(3) == 0 {
		lat, lng := 36.60+r.Float64()*0.06, 101.70+r.Float64()*0.10
		in.Lat, in.Lng = &lat, &lng
	}
	return in
}
