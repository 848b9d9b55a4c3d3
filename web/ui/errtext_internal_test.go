package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every reason an error of the code base gives, and every field it names
// literally, has its text in both languages: a page never falls back to
// a generic text for want of a key.
func TestEveryErrorReasonAndFieldIsWorded(t *testing.T) {
	msgs := map[string][2]string{}
	for k, v := range errorMessages {
		if _, ok := catalogue[k]; ok {
			t.Errorf("%q is in the catalogue and in errorMessages", k)
		}
		msgs[k] = v
	}
	for _, m := range []map[string][2]string{Open311Messages, GridsMessages} {
		for k, v := range m {
			msgs[k] = v
		}
	}
	for k, v := range FinanceMessages { // the finance capability words its own reasons and fields
		msgs[k] = v
	}
	for k, v := range EmployMessages { // the employ capability words its own
		msgs[k] = v
	}
	for _, m := range []map[string][2]string{MediationMessages, ProjectMessages} {
		for k, v := range m {
			msgs[k] = v
		}
	}
	reasonRE := regexp.MustCompile(`\.Because\("([^"]+)"\)|Reason:\s*"([^"]+)"`)
	fieldRE := regexp.MustCompile(`FieldError\("([^"]+)"|Field:\s*"([^"]+)"`)
	reasons, fields := map[string]string{}, map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range reasonRE.FindAllStringSubmatch(string(b), -1) {
			reasons[m[1]+m[2]] = path
		}
		for _, m := range fieldRE.FindAllStringSubmatch(string(b), -1) {
			fields[m[1]+m[2]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) < 20 || len(fields) < 50 {
		t.Fatalf("found %d reasons and %d fields: has the source moved?", len(reasons), len(fields))
	}
	for r, path := range reasons {
		m, ok := msgs["why."+r]
		if !ok || m[1] == "" {
			t.Errorf("reason %q (%s) has no text why.%s in both languages", r, path, r)
		}
	}
	p := &page{msgs: msgs}
	for f, path := range fields {
		if p.fieldLabel(f) == "" {
			t.Errorf("field %q (%s) has no name field.%s", f, path, strings.ToLower(f))
		}
	}
}
