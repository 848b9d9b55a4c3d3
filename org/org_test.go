package org

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("正确的密码-123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not argon2id in PHC form", h)
	}
	if err := CheckPassword(h, "正确的密码-123"); err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if err := CheckPassword(h, "正确的密码-124"); err != ErrPasswordMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("正确的密码-123")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=18$m=1,t=1,p=1$AA$AA"} {
		if err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := NewSecret("mst_"), NewSecret("mst_")
	if a == b || !strings.HasPrefix(a, "mst_") || len(a) < 40 {
		t.Fatalf("secrets %q %q", a, b)
	}
	if HashSecret(a) == HashSecret(b) || HashSecret(a) != HashSecret(a) || strings.Contains(HashSecret(a), a) {
		t.Fatal("secret hashes are not a stable one-way function")
	}
}

func TestWithin(t *testing.T) {
	cases := []struct {
		p, anc string
		want   bool
	}{
		{"/1/5/23/", "/1/", true},
		{"/1/5/23/", "/1/5/", true},
		{"/1/5/", "/1/5/", true},
		{"/1/55/", "/1/5/", false}, // a sibling with a longer id is not below
		{"/1/", "/1/5/", false},
		{"/1/", "", false},
	}
	for _, c := range cases {
		if got := Within(c.p, c.anc); got != c.want {
			t.Errorf("Within(%q, %q) = %v, want %v", c.p, c.anc, got, c.want)
		}
	}
	if ChildPath("", 7) != "/7/" || ChildPath("/7/", 9) != "/7/9/" {
		t.Fatal("ChildPath")
	}
	if !RoleHandler.Valid() || Role("boss").Valid() || !KindGrid.Valid() || UnitKind("x").Valid() {
		t.Fatal("Valid")
	}
}
