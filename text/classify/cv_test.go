package classify

import (
	"flag"
	"os"
	"testing"
	"time"
)

var cvFlag = flag.Bool("cv", false, "run 5-fold cross-validation on the shared training data (slow)")

const trainCSV = "../../../shared/data/complaints/train.csv"

// mustShared reads the shared training data, or skips the test.
func mustShared(t testing.TB) []Example {
	t.Helper()
	f, err := os.Open(trainCSV)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the shared data is not beside this checkout", trainCSV)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestCrossValidation prints the 5-fold cross-validated figures of the
// default options: go test ./text/classify -run CrossValidation -cv -v
func TestCrossValidation(t *testing.T) {
	if !*cvFlag {
		t.Skip("slow; run with -cv")
	}
	ex := mustShared(t)
	start := time.Now()
	r, err := CrossValidate(ex, 5, DefaultOptions(), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("5-fold CV in %v", time.Since(start))
	r.Write(testWriter{t})
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
