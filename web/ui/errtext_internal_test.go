package ui

import "testing"

// The core's error texts and its other page texts are two lists; a key is
// in one of them only.
func TestErrorTextsApartFromTheCatalogue(t *testing.T) {
	for k := range errorMessages {
		if _, ok := catalogue[k]; ok {
			t.Errorf("%q is in the catalogue and in errorMessages", k)
		}
	}
}
