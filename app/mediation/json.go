package mediation

import (
	"encoding/json"
	"fmt"
	"slices"
)

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("mediation job payload: %w", err)
	}
	return nil
}

func sortFloats(f []float64) { slices.Sort(f) }
