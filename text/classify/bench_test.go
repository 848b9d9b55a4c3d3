package classify

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkPredict classifies the shared training messages one after
// another on one core and prints classifications per second of wall time
// and per second of CPU time (the figure for a core of one's own when the
// machine is shared):
// go test ./text/classify -run XXX -bench Predict -cpu 1
func BenchmarkPredict(b *testing.B) {
	ex := mustShared(b)
	m := mustTrain(b, ex, DefaultOptions())
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		e := &ex[i%len(ex)]
		m.Predict(e.Title, e.Body)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "classifications/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(b.N)/used.Seconds(), "classifications/cpu-s")
	}
}

// BenchmarkTrain trains on all 13,255 shared messages and prints the
// seconds it takes and the model's size:
// go test ./text/classify -run XXX -bench Train -benchtime 3x
func BenchmarkTrain(b *testing.B) {
	ex := mustShared(b)
	b.ResetTimer()
	var m *Model
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		m = mustTrain(b, ex, DefaultOptions())
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/train")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(used.Seconds()/float64(b.N), "cpu-s/train")
	}
	b.StopTimer()
	data, err := m.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(data))/1e6, "MB/model")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
