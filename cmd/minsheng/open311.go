package main

import (
	"context"
	"errors"
	"io"
)

// cmdOpen311 is replaced by the Open311 work (issue 6).
func cmdOpen311(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("open311: not available yet")
}
