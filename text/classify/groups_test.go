package classify

import (
	"flag"
	"math"
	"testing"
	"time"
)

func TestGroupsKeepNearDuplicatesTogether(t *testing.T) {
	ex := []Example{
		{Title: "海湖小区3号楼电梯停运三天", Body: "老人上下楼困难，物业一直不修，请尽快处理。", Label: "城乡建设"},
		{Title: "海湖小区3号楼电梯停运三天了", Body: "老人上下楼很困难，物业一直不修，请尽快处理！", Label: "城乡建设"},
		{Title: "咨询医保报销比例", Body: "门诊慢特病的报销比例是多少？", Label: "卫生计生"},
		{Title: "学校门口交通拥堵", Body: "每天放学时段车辆乱停，孩子过马路危险。", Label: "交通运输"},
	}
	g := Groups(ex)
	if g[0] != g[1] || g[0] == g[2] || g[2] == g[3] || g[0] == g[3] {
		t.Fatalf("groups %v: want the two elevator messages together, the others apart", g)
	}
	folds := GroupFolds(g, 2, 1)
	if folds[0] != folds[1] {
		t.Errorf("folds %v split a group", folds)
	}
}

func TestGroupFoldsBalanced(t *testing.T) {
	var groups []int
	for g := range 100 {
		for range 1 + g%4 { // groups of 1 to 4
			groups = append(groups, g)
		}
	}
	folds := GroupFolds(groups, 5, 7)
	load := make([]int, 5)
	for i, f := range folds {
		load[f]++
		if j := i - 1; j >= 0 && groups[j] == groups[i] && folds[j] != f {
			t.Fatalf("group %d split", groups[i])
		}
	}
	for _, n := range load {
		if n < len(groups)/5-4 || n > len(groups)/5+4 {
			t.Errorf("fold sizes %v: want about %d each", load, len(groups)/5)
		}
	}
}

func TestCalibrate(t *testing.T) {
	// Ten predictions at 0.95, nine right; ten at 0.55, five right.
	var truth, pred []string
	var conf []float64
	for i := range 20 {
		truth = append(truth, "a")
		p := 0.95
		wrong := i == 0
		if i >= 10 {
			p, wrong = 0.55, i%2 == 0
		}
		conf = append(conf, p)
		if wrong {
			pred = append(pred, "b")
		} else {
			pred = append(pred, "a")
		}
	}
	c := Calibrate(truth, pred, conf)
	if b := c.Bins[9]; b.N != 10 || math.Abs(b.Accuracy-0.9) > 1e-9 || math.Abs(b.Confidence-0.95) > 1e-9 {
		t.Errorf("top bin %+v", b)
	}
	if b := c.Bins[5]; b.N != 10 || math.Abs(b.Accuracy-0.5) > 1e-9 {
		t.Errorf("middle bin %+v", b)
	}
	if want := 0.5*0.05 + 0.5*0.05; math.Abs(c.ECE-want) > 1e-9 {
		t.Errorf("ECE %v, want %v", c.ECE, want)
	}
	th, kept, ok := Threshold(truth, pred, conf, 0.1)
	if !ok || th != 0.95 || kept != 0.5 {
		t.Errorf("threshold for 10%% wrong: %v keeping %v (%v); want 0.95 keeping half", th, kept, ok)
	}
	if _, _, ok := Threshold(truth, pred, conf, 0.05); ok {
		t.Error("a threshold for 5% wrong where even the surest are 10% wrong")
	}
}

var seedsFlag = flag.Int("seeds", 3, "seeds of the grouped cross-validation (-cv)")

// TestGroupedCrossValidation prints the grouped 5-fold figures (mean and
// spread over seeds) beside the random 5-fold ones, with calibration:
// go test ./text/classify -run GroupedCrossValidation -cv -v
func TestGroupedCrossValidation(t *testing.T) {
	if !*cvFlag {
		t.Skip("slow; run with -cv")
	}
	ex := mustShared(t)
	start := time.Now()
	groups := Groups(ex)
	n := 0
	for _, g := range groups {
		n = max(n, g+1)
	}
	t.Logf("%d messages in %d groups of near duplicates (%v)", len(ex), n, time.Since(start))
	var f1s []float64
	for seed := range uint64(*seedsFlag) {
		start := time.Now()
		r, err := GroupedCrossValidate(ex, groups, 5, DefaultOptions(), seed+1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d, grouped 5-fold in %v: macro-F1 %.4f accuracy %.4f ECE %.4f", seed+1, time.Since(start), r.MacroF1, r.Accuracy, r.Calibration.ECE)
		if seed == 0 {
			r.Write(testWriter{t})
		}
		f1s = append(f1s, r.MacroF1)
	}
	mean, sd := meanSD(f1s)
	t.Logf("grouped 5-fold macro-F1 over %d seeds: %.4f ± %.4f", len(f1s), mean, sd)
}

func meanSD(xs []float64) (float64, float64) {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	if len(xs) > 1 {
		v /= float64(len(xs) - 1)
	}
	return m, math.Sqrt(v)
}
