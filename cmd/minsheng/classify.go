package main

import (
	"context"
	"errors"
	"io"
)

// cmdClassify is replaced by the text-intelligence work (issue 7).
func cmdClassify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("classify: not available yet")
}
