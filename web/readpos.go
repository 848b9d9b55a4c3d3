package web

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// PositionCookie carries, with read replicas (serve -db-replica), the WAL
// position of the browser's last write, so that another app node behind
// the same load balancer also serves its reads from a replica only once
// the replica has replayed that write. It is short-lived: after the
// replicas' maximal lag it tells nothing.
const PositionCookie = "minsheng_wal"

// withReadPosition gives, when the database has read replicas, each request
// the read position of its reader, kept in memory by the store: the
// signed-in user's, or for anyone else (residents, Open311 clients) their
// address's; and the position cookie, from another node. GET and HEAD
// requests may then read from a replica that has replayed the reader's
// writes; the writes of any request move the position, and the cookie
// with it. Without replicas it does nothing.
//
// It runs after withAuth, whose session lookup stays on the primary: a
// session created a moment ago must be found.
func (s *Server) withReadPosition(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		db := s.svc.DB()
		p := db.ReaderPosition(s.readerKey(r))
		if p == nil {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(PositionCookie); err == nil {
			if l, err := store.ParseLSN(c.Value); err == nil {
				p.Advance(l)
			}
		}
		ctx := store.WithPosition(r.Context(), p)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			ctx = store.WithReplicaReads(ctx)
		}
		next.ServeHTTP(&positionWriter{ResponseWriter: w, p: p, from: p.LSN(),
			maxAge: int(db.ReaderPositionTTL().Seconds()) + 1, secure: r.TLS != nil}, r.WithContext(ctx))
	})
}

// readerKey names the reader of a request for ReaderPosition: "u:ID" for a
// signed-in user, "a:ADDRESS" for anyone else. Anonymous clients behind
// one address share a position, which costs them at most some reads on
// the primary.
func (s *Server) readerKey(r *http.Request) string {
	if u, ok := r.Context().Value(keyUser).(*org.User); ok {
		return "u:" + strconv.FormatInt(u.ID, 10)
	}
	return "a:" + s.clientAddr(r)
}

// positionWriter sets the position cookie when the handler's writes have
// moved the reader's position, as the response's header goes out.
type positionWriter struct {
	http.ResponseWriter
	p      *store.Position
	from   store.LSN
	maxAge int
	secure bool
	sent   bool
}

func (w *positionWriter) header() {
	if w.sent {
		return
	}
	w.sent = true
	if l := w.p.LSN(); l > w.from {
		http.SetCookie(w.ResponseWriter, &http.Cookie{Name: PositionCookie, Value: l.String(), Path: "/", MaxAge: w.maxAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: w.secure})
	}
}

func (w *positionWriter) WriteHeader(code int) {
	w.header()
	w.ResponseWriter.WriteHeader(code)
}

func (w *positionWriter) Write(b []byte) (int, error) {
	w.header()
	return w.ResponseWriter.Write(b)
}

func (w *positionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// replicaCollector exports the read replicas' state on /metrics; without
// replicas, nothing.
type replicaCollector struct{ svc *app.Service }

var (
	replicaUpDesc = prometheus.NewDesc("minsheng_db_replica_up",
		"1 when reads may go to the read replica: it answers, is a standby and lags less than -db-replica-max-lag.", []string{"replica"}, nil)
	replicaLagDesc = prometheus.NewDesc("minsheng_db_replica_lag_seconds",
		"How far the read replica was behind the primary at its last poll.", []string{"replica"}, nil)
	replicaReadsDesc = prometheus.NewDesc("minsheng_db_replica_reads_total",
		"Reads served by the read replica.", []string{"replica"}, nil)
	replicaPrimaryReadsDesc = prometheus.NewDesc("minsheng_db_replica_primary_reads_total",
		"Reads that could have gone to a replica but ran on the primary (none far enough along, or none up).", nil, nil)
)

func (c replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaUpDesc
	ch <- replicaLagDesc
	ch <- replicaReadsDesc
	ch <- replicaPrimaryReadsDesc
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	stats, primary := c.svc.DB().Replicas()
	if len(stats) == 0 {
		return
	}
	for _, s := range stats {
		up := 0.0
		if s.Up {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(replicaUpDesc, prometheus.GaugeValue, up, s.Name)
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, s.Lag.Seconds(), s.Name)
		ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(s.Reads), s.Name)
	}
	ch <- prometheus.MustNewConstMetric(replicaPrimaryReadsDesc, prometheus.CounterValue, float64(primary))
}
