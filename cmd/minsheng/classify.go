package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/text/classify"
)

// Names under which the dispatch classifier's models are stored.
const (
	ModelCategory = app.ModelCategory // first-level category (code)
	ModelUnit     = app.ModelUnit     // handling unit (code)
)

// classifyUsage is printed for "minsheng classify" without a subcommand.
const classifyUsage = `Usage:
  minsheng classify eval  -train A.csv -test B.csv [-words 4]
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
	words := fs.Int("words", 0, "also use words of up to this many characters found in the training text (0: off, as deployed)")
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
	opt := classify.DefaultOptions()
	if *words > 0 {
		opt.WordLen = *words
	}
	m, _, err := classify.TrainEvaluated(train, opt)
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

func classifyTrain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("classify train", getenv, stderr, false)
	var o app.TrainOptions
	fs.IntVar(&o.Limit, "limit", 200000, "learn from at most this many of the most recently closed tickets")
	fs.IntVar(&o.Min, "min", 50, "do not train a model from fewer labelled tickets than this")
	fs.IntVar(&o.Keep, "keep", 5, "versions of each model to keep in the database")
	csvPath := fs.String("csv", "", "learn from this labelled CSV (id,title,body,label) instead of the tickets")
	name := fs.String("name", ModelCategory, "with -csv: the name to store the model under")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(app.Config{DB: db})
	var trained []app.TrainedModel
	if *csvPath != "" {
		ex, err := readExamples(*csvPath)
		if err != nil {
			return fmt.Errorf("classify train: %w", err)
		}
		if len(ex) < o.Min {
			return fmt.Errorf("classify train: %d labelled examples in %s, fewer than -min %d: not trained", len(ex), *csvPath, o.Min)
		}
		tm, err := svc.TrainModel(ctx, kit.System(), *name, "csv "+*csvPath, ex, o.Keep)
		if err != nil {
			return fmt.Errorf("classify train %s: %w", *name, err)
		}
		trained = append(trained, tm)
	} else if trained, err = svc.TrainModels(ctx, kit.System(), o); err != nil {
		return fmt.Errorf("classify train: %w", err)
	}
	for _, tm := range trained {
		m := tm.Metrics
		fmt.Fprintf(stdout, "%s version %d: %d examples, %d labels, %.1f MB, trained in %.1fs; held-out macro-F1 %.4f accuracy %.4f (%d cases)\n",
			tm.Name, tm.Version, tm.Examples, tm.Labels, float64(tm.Bytes)/1e6, tm.Took.Seconds(), m.MacroF1, m.Accuracy, m.HeldOut)
	}
	if len(trained) == 0 {
		return fmt.Errorf("classify train: no model trained (fewer than -min %d labelled tickets, or a single label)", o.Min)
	}
	return nil
}
