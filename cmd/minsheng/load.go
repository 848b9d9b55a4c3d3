package main

import (
	"context"
	"errors"
	"io"
)

func cmdLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("load: not built yet")
}
