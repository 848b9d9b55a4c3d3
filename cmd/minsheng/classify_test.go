package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
)

var lastLineRE = regexp.MustCompile(`^macro-F1 (\d\.\d{4}) accuracy (\d\.\d{4}) \((\d+) cases\)$`)

// runClassify runs "minsheng classify …" in-process and returns stdout.
func runClassify(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"classify"}, args...), func(string) string { return "" }, &out, &errOut)
	return out.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// toyTrain has the awkward parts of real exports: a BOM, columns in
// another order plus an extra one, an empty title, an empty body, a quoted
// body over two lines with a comma and a quote in it.
const toyTrain = "\ufefflabel,id,time,title,body\n" +
	"环境,1,2019/1/1,小区垃圾无人清运,垃圾堆放发臭\n" +
	"环境,2,,工地噪音扰民,\"夜间施工噪音很大，\n影响休息, 说\"\"没办法\"\"\"\n" +
	"环境,3,,,工厂往河里排污水\n" +
	"社保,4,,养老保险怎么交,\n" +
	"社保,5,,拖欠工资,公司拖欠三个月工资不发\n" +
	"社保,6,,医保报销比例,门诊医保报销\n" +
	"交通,7,,公交线路调整,希望增开公交线路\n" +
	"交通,8,,路口红绿灯坏了,红绿灯不亮\n" +
	"交通,9,,出租车拒载,出租车司机拒载还绕路\n"

const toyTest = "id,title,body,label\n" +
	"a,垃圾清运不及时,,环境\n" +
	"b,,单位拖欠工资,社保\n" +
	"c,公交车太少,,交通\n" +
	"d,噪音,\"晚上施工\n吵\",环境\n"

func TestClassifyEvalFormat(t *testing.T) {
	out, err := runClassify(t, "eval", "-train", writeFile(t, "a.csv", toyTrain), "-test", writeFile(t, "b.csv", toyTest))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := lines[len(lines)-1]
	m := lastLineRE.FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q does not read \"macro-F1 0.XXXX accuracy 0.XXXX (N cases)\"", last)
	}
	if m[3] != "4" {
		t.Errorf("%s cases, want 4", m[3])
	}
	perLabel, bins, ece, thresholds := 0, 0, 0, 0
	for _, l := range lines[:len(lines)-1] {
		switch {
		case strings.Contains(l, "\tprecision "):
			perLabel++
		case strings.HasPrefix(l, "confidence "):
			bins++
		case strings.HasPrefix(l, "expected calibration error 0."):
			ece++
		case strings.HasPrefix(l, "at most "):
			thresholds++
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if perLabel != 3 || bins == 0 || ece != 1 || thresholds != 3 {
		t.Errorf("%d label lines (want 3), %d reliability bins, %d calibration errors (want 1), %d thresholds (want 3):\n%s",
			perLabel, bins, ece, thresholds, out)
	}
	for _, l := range lines[:len(lines)-1] {
		if strings.Contains(l, "\tprecision ") && !regexp.MustCompile(`^\S+\tprecision \d\.\d{4}\trecall \d\.\d{4}\tF1 \d\.\d{4}\t`).MatchString(l) {
			t.Errorf("label line %q lacks precision/recall/F1", l)
		}
	}
}

func TestClassifyEvalRefuses(t *testing.T) {
	good := writeFile(t, "a.csv", toyTrain)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "a subcommand is needed"},
		{"unknown subcommand", []string{"guess"}, "unknown subcommand"},
		{"no test file", []string{"eval", "-train", good}, "-test are required"},
		{"missing file", []string{"eval", "-train", good, "-test", filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
		{"no label column", []string{"eval", "-train", good, "-test", writeFile(t, "x.csv", "id,title,body\n1,a,b\n")}, "label"},
		{"empty file", []string{"eval", "-train", writeFile(t, "e.csv", ""), "-test", good}, "empty"},
		{"one label only", []string{"eval", "-train", writeFile(t, "o.csv", "id,title,body,label\n1,a,,x\n2,b,,x\n"), "-test", good}, "two labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runClassify(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestClassifyEvalSharedData runs the command as a user would on a random
// 80/20 split of the shared training data.
func TestClassifyEvalSharedData(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on 10,000 messages; skipped in -short")
	}
	src := "../../../shared/data/complaints/train.csv"
	f, err := os.Open(src)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the shared data is not beside this checkout", src)
	}
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(f)
	r.LazyQuotes, r.FieldsPerRecord = true, -1
	recs, err := r.ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows := recs[1:]
	rand.New(rand.NewPCG(42, 42)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	k := len(rows) * 4 / 5
	write := func(name string, part [][]string) string {
		p := filepath.Join(t.TempDir(), name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write(recs[0])
		w.WriteAll(part)
		f.Close()
		return p
	}
	out, err := runClassify(t, "eval", "-train", write("a.csv", rows[:k]), "-test", write("b.csv", rows[k:]))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	m := lastLineRE.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("bad last line in:\n%s", out)
	}
	f1, _ := strconv.ParseFloat(m[1], 64)
	t.Log(lines[len(lines)-1])
	if f1 < 0.92 || m[3] != strconv.Itoa(len(rows)-k) {
		t.Errorf("macro-F1 %.4f on %s cases, want ≥ 0.92 on %d", f1, m[3], len(rows)-k)
	}
}

func TestClassifyTrainFromTickets(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a classifier on seeded tickets; skipped in -short")
	}
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	var out, errOut bytes.Buffer
	env := func(string) string { return "" }
	if err := run(ctx, []string{"seed", "-db", dsn, "-demo-tickets", "600"}, env, &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	// The demo's seed trained the first versions already; each train
	// stores a newer one.
	version := func(out, name string) int {
		t.Helper()
		m := regexp.MustCompile(regexp.QuoteMeta(name) + ` version (\d+):`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("output lacks %s's version:\n%s", name, out)
		}
		v, _ := strconv.Atoi(m[1])
		return v
	}
	got, err := runClassify(t, "train", "-db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	first := version(got, ModelCategory)
	version(got, ModelUnit)
	// A second run stores a newer version; the stored model loads and
	// predicts a category code of the tree.
	if got, err = runClassify(t, "train", "-db", dsn, "-keep", "1"); err != nil || version(got, ModelCategory) <= first {
		t.Fatalf("second train: %v\n%s", err, got)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored *store.Model
	var versions []store.Model
	err = db.Read(ctx, func(tx *store.Tx) error {
		if stored, err = store.LoadModel(ctx, tx, ModelCategory); err != nil {
			return err
		}
		versions, err = store.ListModels(ctx, tx, ModelCategory)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 {
		t.Errorf("%d versions kept, want 1 (-keep 1)", len(versions))
	}
	var met app.ModelMetrics
	if err := json.Unmarshal([]byte(stored.Metrics), &met); err != nil || met.Examples == 0 || met.HeldOut == 0 {
		t.Errorf("metrics %s (%v): want examples and held-out figures", stored.Metrics, err)
	}
	m, err := classify.Load(stored.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Predict("小区电梯坏了", "电梯停运三天，老人上下楼困难")
	if len(ps) < 3 || ps[0].Label == "" {
		t.Errorf("predictions %v", ps)
	}
	t.Logf("category suggestions for a broken lift: %v", ps[:3])
}

func TestClassifyTrainTooFew(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	_, err := runClassify(t, "train", "-db", dsn)
	if err == nil || !strings.Contains(err.Error(), "no model trained") {
		t.Errorf("train on an empty database: err = %v, want no model trained", err)
	}
}
