package classify

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
)

// formatVersion is bumped whenever the features or the layout change, so
// that an old stored model is refused rather than misread.
const formatVersion = 2

// snapshot is the stored form of a model.
type snapshot struct {
	Version int
	Options Options
	Labels  []string
	Keys    []uint64 // feature hashes, in index order
	IDF     []float32
	W       []float32
	B       []float32
	Temp    float32
	Words   []uint64 // the lexicon (version 2; none in version 1)
}

// ErrFormat is returned by UnmarshalBinary for bytes that are not a model
// of this version.
var ErrFormat = errors.New("classify: not a model of this version")

// MarshalBinary encodes the model for storage (encoding/gob of its
// parameters; about 40 bytes per feature).
func (m *Model) MarshalBinary() ([]byte, error) {
	keys := make([]uint64, len(m.idf))
	for p, k := range m.table.keys {
		if k != 0 {
			if k == zeroKey {
				k = 0
			}
			keys[m.table.vals[p]] = k
		}
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(snapshot{
		Version: formatVersion, Options: m.opt, Labels: m.labels,
		Keys: keys, IDF: m.idf, W: m.w, B: m.b, Temp: m.temp, Words: m.words,
	})
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary decodes a model made by MarshalBinary.
func (m *Model) UnmarshalBinary(data []byte) error {
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	K, F := len(s.Labels), len(s.Keys)
	if s.Version < 1 || s.Version > formatVersion || K < 2 || len(s.IDF) != F || len(s.W) != F*K || len(s.B) != K {
		return ErrFormat
	}
	s.Options.fill()
	*m = Model{opt: s.Options, labels: s.Labels, table: newTable(s.Keys), idf: s.IDF, w: s.W, b: s.B, temp: s.Temp}
	m.setWords(s.Words)
	return nil
}

// Load decodes a stored model.
func Load(data []byte) (*Model, error) {
	m := new(Model)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return m, nil
}
