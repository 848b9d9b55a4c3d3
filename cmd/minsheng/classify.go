package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
)

// Names under which the dispatch classifier's models are stored.
const (
	ModelCategory = "classify.category" // first-level category (code)
	ModelUnit     = "classify.unit"     // handling unit (code)
)

// classifyUsage is printed for "minsheng classify" without a subcommand.
const classifyUsage = `Usage:
  minsheng classify eval  -train A.csv -test B.csv
      train on A, predict B, print the confidence an automatic-dispatch
      threshold needs for at most 2, 5 and 10% wrong, per-label
      precision/recall/F1, the reliability table and the expected
      calibration error and, last, "macro-F1 0.XXXX accuracy 0.XXXX (N
      cases)". Both files have the header id,title,body,label (other
      columns are ignored).
  minsheng classify train [-db …] [-limit 200000] [-min 50] [-keep 5]
      learn the category (first level) and the handling unit from the
      deployment's closed tickets and store both models in the database.
  minsheng classify train -csv A.csv [-name classify.category] [-db …]
      learn from a labelled CSV instead (e.g. to start a new deployment).
`

func cmdClassify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, classifyUsage)
		return errors.New("classify: want eval or train")
	}
	switch args[0] {
	case "eval":
		return classifyEval(args[1:], stdout, stderr)
	case "train":
		return classifyTrain(ctx, args[1:], getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, classifyUsage)
		return nil
	}
	fmt.Fprint(stderr, classifyUsage)
	return fmt.Errorf("classify: unknown subcommand %q; want eval or train", args[0])
}

func readExamples(path string) ([]classify.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := classify.ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

func classifyEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("classify eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trainPath := fs.String("train", "", "labelled CSV to learn from (id,title,body,label)")
	testPath := fs.String("test", "", "labelled CSV to predict and score")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *trainPath == "" || *testPath == "" {
		return errors.New("classify eval: -train and -test are required")
	}
	train, err := readExamples(*trainPath)
	if err != nil {
		return fmt.Errorf("classify eval: %w", err)
	}
	test, err := readExamples(*testPath)
	if err != nil {
		return fmt.Errorf("classify eval: %w", err)
	}
	var scored []classify.Example
	for _, e := range test {
		if e.Label != "" {
			scored = append(scored, e)
		}
	}
	if len(scored) == 0 {
		return fmt.Errorf("classify eval: %s has no labelled rows", *testPath)
	}
	start := time.Now()
	// Trained as a deployment trains (classify train): the confidence
	// temperature is fitted on held-out training messages.
	m, _, err := classify.TrainEvaluated(train, classify.DefaultOptions())
	if err != nil {
		return fmt.Errorf("classify eval: %w", err)
	}
	trained := time.Since(start)
	truth := make([]string, len(scored))
	pred := make([]string, len(scored))
	conf := make([]float64, len(scored))
	start = time.Now()
	for i, e := range scored {
		truth[i] = e.Label
		pred[i], conf[i] = m.Best(e.Title, e.Body)
	}
	predicted := time.Since(start)
	fmt.Fprintf(stderr, "trained on %d messages in %.1fs; classified %d in %.2fs\n",
		len(train), trained.Seconds(), len(scored), predicted.Seconds())
	// What an automatic-dispatch threshold would have done on these
	// messages: the least confidence for at most 2%, 5% and 10% wrong.
	for _, maxErr := range []float64{0.02, 0.05, 0.10} {
		if th, kept, ok := classify.Threshold(truth, pred, conf, maxErr); ok {
			fmt.Fprintf(stdout, "at most %.0f%% wrong: confidence ≥ %.3f, %.1f%% of messages\n", maxErr*100, th, kept*100)
		} else {
			fmt.Fprintf(stdout, "at most %.0f%% wrong: no confidence keeps errors that low\n", maxErr*100)
		}
	}
	r := classify.Score(truth, pred)
	r.Calibration = classify.Calibrate(truth, pred, conf)
	return r.Write(stdout)
}

// modelMetrics is what is stored beside a model: how it did on the
// messages held out while training.
type modelMetrics struct {
	Examples    int                `json:"examples"`
	Labels      int                `json:"labels"`
	HeldOut     int                `json:"held_out"`
	MacroF1     float64            `json:"macro_f1"`
	Accuracy    float64            `json:"accuracy"`
	PerLabelF1  map[string]float64 `json:"per_label_f1,omitempty"`
	Temperature float64            `json:"temperature"`
	Source      string             `json:"source"`
}

func classifyTrain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("classify train", getenv, stderr, false)
	limit := fs.Int("limit", 200000, "learn from at most this many of the most recently closed tickets")
	minN := fs.Int("min", 50, "do not train a model from fewer labelled tickets than this")
	keep := fs.Int("keep", 5, "versions of each model to keep in the database")
	csvPath := fs.String("csv", "", "learn from this labelled CSV (id,title,body,label) instead of the tickets")
	name := fs.String("name", ModelCategory, "with -csv: the name to store the model under")
	if err := parse(fs, args); err != nil {
		return err
	}
	type job struct {
		name, source string
		ex           []classify.Example
	}
	var jobs []job
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *csvPath != "" {
		ex, err := readExamples(*csvPath)
		if err != nil {
			return fmt.Errorf("classify train: %w", err)
		}
		jobs = append(jobs, job{*name, "csv " + *csvPath, ex})
	} else {
		var ts []store.TrainingTicket
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			ts, err = store.ListTrainingTickets(ctx, tx, *limit)
			return err
		}); err != nil {
			return fmt.Errorf("classify train: %w", err)
		}
		cats, units := app.TrainingExamples(ts)
		src := fmt.Sprintf("%d closed tickets", len(ts))
		jobs = append(jobs, job{ModelCategory, src, cats}, job{ModelUnit, src, units})
	}
	trainedAny := false
	for _, j := range jobs {
		if len(j.ex) < *minN {
			fmt.Fprintf(stdout, "%s: %d labelled examples, fewer than -min %d: not trained\n", j.name, len(j.ex), *minN)
			continue
		}
		start := time.Now()
		opt := classify.DefaultOptions()
		m, rep, err := classify.TrainEvaluated(j.ex, opt)
		if errors.Is(err, classify.ErrTooFewLabels) {
			fmt.Fprintf(stdout, "%s: all %d examples have one label: not trained\n", j.name, len(j.ex))
			continue
		}
		if err != nil {
			return fmt.Errorf("classify train %s: %w", j.name, err)
		}
		data, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		met := modelMetrics{Examples: len(j.ex), Labels: len(m.Labels()), HeldOut: rep.N,
			MacroF1: round4(rep.MacroF1), Accuracy: round4(rep.Accuracy), Temperature: round4(m.Temperature()),
			Source: j.source, PerLabelF1: map[string]float64{}}
		for _, l := range rep.Labels {
			met.PerLabelF1[l.Label] = round4(l.F1)
		}
		mj, err := json.Marshal(met)
		if err != nil {
			return err
		}
		var version int64
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			if version, err = store.SaveModel(ctx, tx, j.name, data, string(mj), time.Now()); err != nil {
				return err
			}
			_, err = store.PruneModels(ctx, tx, j.name, max(*keep, 1))
			return err
		}); err != nil {
			return fmt.Errorf("classify train %s: %w", j.name, err)
		}
		trainedAny = true
		fmt.Fprintf(stdout, "%s version %d: %d examples, %d labels, %.1f MB, trained in %.1fs; held-out macro-F1 %.4f accuracy %.4f (%d cases)\n",
			j.name, version, len(j.ex), len(m.Labels()), float64(len(data))/1e6, time.Since(start).Seconds(), rep.MacroF1, rep.Accuracy, rep.N)
	}
	if !trainedAny {
		return errors.New("classify train: no model trained (too few labelled examples)")
	}
	return nil
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
