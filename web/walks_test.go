package web_test

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

// A capabilityWalk is a capability's part of the administrative walks —
// the audit walk (TestAdminWritesAreAudited) and the street admin's walk
// (TestSecurityStreetAdmin), which must each cover every administrative
// write route of the server — registered from the capability's own test
// file in an init function, so that adding a capability edits neither.
type capabilityWalk struct {
	// casework are path prefixes of the capability's routes that are its
	// casework, not administration: each step writes its object's
	// timeline and audit entry, and the capability's own tests walk them
	// by role and scope.
	casework []string
	// audit returns its administrative writes for the audit walk, street
	// what an admin of one street may and may not do to them; either may
	// set up what it needs through e.
	audit  func(t *testing.T, e *env) []adminWrite
	street func(t *testing.T, e *env) []streetCall
}

var capabilityWalks = map[string]capabilityWalk{}

// registerWalk adds a capability's part of the walks.
func registerWalk(name string, w capabilityWalk) {
	if _, ok := capabilityWalks[name]; ok {
		panic("web tests: the walk of " + name + " is registered twice")
	}
	capabilityWalks[name] = w
}

// walkNames are the registered capabilities, in a stable order.
func walkNames() []string {
	names := make([]string, 0, len(capabilityWalks))
	for n := range capabilityWalks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// capabilityAdminWrites are every registered capability's writes of the
// audit walk.
func capabilityAdminWrites(t *testing.T, e *env) []adminWrite {
	var out []adminWrite
	for _, n := range walkNames() {
		if w := capabilityWalks[n]; w.audit != nil {
			out = append(out, w.audit(t, e)...)
		}
	}
	return out
}

// capabilityStreetCalls are every registered capability's calls of the
// street admin's walk.
func capabilityStreetCalls(t *testing.T, e *env) []streetCall {
	var out []streetCall
	for _, n := range walkNames() {
		if w := capabilityWalks[n]; w.street != nil {
			out = append(out, w.street(t, e)...)
		}
	}
	return out
}

// casework reports whether a route's path is a capability's casework.
func casework(path string) bool {
	for _, w := range capabilityWalks {
		if slices.ContainsFunc(w.casework, func(p string) bool { return strings.HasPrefix(path, p) }) {
			return true
		}
	}
	return false
}
