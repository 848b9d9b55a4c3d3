// Command assets puts the front-end libraries that the web pages use
// (htmx, ECharts, Leaflet) into web/ui/static/vendor/, from the versions
// locked in package-lock.json, with only Go installed.
//
// For each package it needs, it downloads the tarball from the lockfile's
// "resolved" URL (or, when the lockfile leaves it out, from the npm
// registry in the npm configuration: $npm_config_registry, an .npmrc's
// registry= line, else what npm reports as its default), checks it against the lockfile's
// "integrity" (SHA-512) before reading a byte of it, and extracts just the
// files the pages use, with the package's licence. Nothing third-party is
// kept in the repository: the folder is .gitignored and filled by
//
//	go generate ./web/ui
//
// which runs this command (see web/ui/generate.go). A stamp file records
// what was extracted, so a second run with the same lockfile does nothing
// and needs no network.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// want lists, per package, the files the pages use: path inside the
// package → path under the output folder.
var want = map[string]map[string]string{
	"htmx.org": {
		"dist/htmx.min.js": "htmx.min.js",
		"LICENSE":          "licenses/htmx.org.txt",
	},
	"echarts": {
		"dist/echarts.min.js": "echarts.min.js",
		"LICENSE":             "licenses/echarts.txt",
	},
	"leaflet": {
		"dist/leaflet.js":                "leaflet/leaflet.js",
		"dist/leaflet.css":               "leaflet/leaflet.css",
		"dist/images/layers.png":         "leaflet/images/layers.png",
		"dist/images/layers-2x.png":      "leaflet/images/layers-2x.png",
		"dist/images/marker-icon.png":    "leaflet/images/marker-icon.png",
		"dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
		"dist/images/marker-shadow.png":  "leaflet/images/marker-shadow.png",
		"LICENSE":                        "licenses/leaflet.txt",
	},
}

// maxTarball bounds a download: the largest package here (echarts) is
// about 12 MB packed.
const maxTarball = 64 << 20

const stampName = ".stamp"

func main() {
	lock := flag.String("lock", "package-lock.json", "the npm lockfile")
	out := flag.String("out", "static/vendor", "folder to fill")
	force := flag.Bool("force", false, "download again even if the stamp says the files are current")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, *lock, *out, *force, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "assets:", err)
		os.Exit(1)
	}
}

// lockfile is the part of a package-lock.json (version 2 or 3) read here.
type lockfile struct {
	LockfileVersion int `json:"lockfileVersion"`
	Packages        map[string]struct {
		Version   string `json:"version"`
		Resolved  string `json:"resolved"`
		Integrity string `json:"integrity"`
	} `json:"packages"`
}

// pkg is one package to fetch.
type pkg struct {
	name, version, resolved, integrity string
}

func run(ctx context.Context, lockPath, out string, force bool, stdout io.Writer) error {
	pkgs, err := readLock(lockPath)
	if err != nil {
		return err
	}
	stamp := stampOf(pkgs)
	if !force {
		if b, err := os.ReadFile(filepath.Join(out, stampName)); err == nil && string(b) == stamp && allPresent(out) {
			fmt.Fprintf(stdout, "assets: %s is current\n", out)
			return nil
		}
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	for _, p := range pkgs {
		u := p.resolved
		if u == "" {
			registry, err := registryURL(filepath.Dir(lockPath))
			if err != nil {
				return err
			}
			u = tarballURL(registry, p.name, p.version)
		}
		tgz, err := download(ctx, client, u)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", p.name, p.version, err)
		}
		if err := verify(tgz, p.integrity); err != nil {
			return fmt.Errorf("%s@%s: %w", p.name, p.version, err)
		}
		n, err := extract(tgz, want[p.name], out)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", p.name, p.version, err)
		}
		fmt.Fprintf(stdout, "assets: %s@%s verified, %d files into %s\n", p.name, p.version, n, out)
	}
	return os.WriteFile(filepath.Join(out, stampName), []byte(stamp), 0o644)
}

// readLock returns the packages of want as the lockfile pins them.
func readLock(lockPath string) ([]pkg, error) {
	b, err := os.ReadFile(lockPath)
	if err != nil {
		return nil, err
	}
	var lf lockfile
	if err := json.Unmarshal(b, &lf); err != nil {
		return nil, fmt.Errorf("%s: %w", lockPath, err)
	}
	if lf.LockfileVersion < 2 {
		return nil, fmt.Errorf("%s: lockfileVersion %d; want 2 or 3 (npm 7 or later)", lockPath, lf.LockfileVersion)
	}
	var out []pkg
	for name := range want {
		e, ok := lf.Packages["node_modules/"+name]
		if !ok {
			return nil, fmt.Errorf("%s does not lock %s; run npm install", lockPath, name)
		}
		if e.Version == "" || e.Integrity == "" {
			return nil, fmt.Errorf("%s: %s has no version or integrity", lockPath, name)
		}
		out = append(out, pkg{name: name, version: e.Version, resolved: e.Resolved, integrity: e.Integrity})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// stampOf identifies what a run extracts: the locked packages and the
// files taken from each.
func stampOf(pkgs []pkg) string {
	var b strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&b, "%s@%s %s\n", p.name, p.version, p.integrity)
		var files []string
		for src, dst := range want[p.name] {
			files = append(files, src+" "+dst)
		}
		sort.Strings(files)
		for _, f := range files {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	return b.String()
}

func allPresent(out string) bool {
	for _, files := range want {
		for _, dst := range files {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(dst))); err != nil {
				return false
			}
		}
	}
	return true
}

// registryURL finds the npm registry the way npm does, most specific
// first: the environment, the project's .npmrc, the user's ~/.npmrc, the
// global npmrc files; failing those it asks npm itself for its default, so
// that no registry address is written into this program.
func registryURL(projectDir string) (string, error) {
	for _, k := range []string{"npm_config_registry", "NPM_CONFIG_REGISTRY"} {
		if v := os.Getenv(k); v != "" {
			return v, nil
		}
	}
	files := []string{filepath.Join(projectDir, ".npmrc")}
	if v := os.Getenv("NPM_CONFIG_USERCONFIG"); v != "" {
		files = append(files, v)
	} else if home, err := os.UserHomeDir(); err == nil {
		files = append(files, filepath.Join(home, ".npmrc"))
	}
	if v := os.Getenv("NPM_CONFIG_GLOBALCONFIG"); v != "" {
		files = append(files, v)
	}
	files = append(files, "/etc/npmrc", "/usr/etc/npmrc", "/usr/local/etc/npmrc")
	for _, f := range files {
		if v := npmrcRegistry(f); v != "" {
			return v, nil
		}
	}
	if out, err := exec.Command("npm", "config", "get", "registry").Output(); err == nil {
		if v := strings.TrimSpace(string(out)); strings.HasPrefix(v, "http") {
			return v, nil
		}
	}
	return "", errors.New("no npm registry configured: set npm_config_registry, add registry= to an .npmrc, or install npm")
}

func npmrcRegistry(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if ok && strings.TrimSpace(k) == "registry" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// tarballURL is where a registry serves a package version's tarball:
// REGISTRY/NAME/-/BASENAME-VERSION.tgz (for @scope/name the basename is
// name).
func tarballURL(registry, name, version string) string {
	if !strings.HasSuffix(registry, "/") {
		registry += "/"
	}
	base := path.Base(name)
	return registry + strings.ReplaceAll(url.PathEscape(name), "%40", "@") + "/-/" + base + "-" + version + ".tgz"
}

func download(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTarball+1))
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	if len(b) > maxTarball {
		return nil, fmt.Errorf("download %s: larger than %d MiB", u, maxTarball>>20)
	}
	return b, nil
}

// verify checks data against an SRI integrity string ("sha512-BASE64",
// possibly several separated by spaces); only SHA-512 is accepted, as npm
// writes.
func verify(data []byte, integrity string) error {
	sum := sha512.Sum512(data)
	seen := false
	for _, f := range strings.Fields(integrity) {
		algo, b64, ok := strings.Cut(f, "-")
		if !ok || algo != "sha512" {
			continue
		}
		seen = true
		want, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return fmt.Errorf("integrity %q: %w", f, err)
		}
		if subtle.ConstantTimeCompare(want, sum[:]) == 1 {
			return nil
		}
	}
	if !seen {
		return fmt.Errorf("integrity %q has no sha512 hash", integrity)
	}
	return errors.New("integrity check failed: the tarball is not the one the lockfile pins")
}

// extract writes the wanted files of a package tarball (whose entries sit
// under "package/") into out, and fails if one is missing.
func extract(tgz []byte, files map[string]string, out string) (int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return 0, err
	}
	tr := tar.NewReader(zr)
	done := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		_, inPkg, ok := strings.Cut(h.Name, "/") // "package/dist/x.js" → "dist/x.js"
		if !ok {
			continue
		}
		dst, ok := files[inPkg]
		if !ok || done[inPkg] {
			continue
		}
		target := filepath.Join(out, filepath.FromSlash(dst))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return 0, err
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxTarball))
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			return 0, err
		}
		done[inPkg] = true
	}
	for src := range files {
		if !done[src] {
			return 0, fmt.Errorf("the tarball has no %s", src)
		}
	}
	return len(done), nil
}
