package classify

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
)

// formatVersion is bumped whenever the features or the layout change, so
// that an old stored model is refused rather than misread.
const formatVersion = 3

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
	// Members are the models of an ensemble (version 3), each stored
	// whole; the ensemble itself has no features then.
	Members []snapshot
}

// ErrFormat is returned by UnmarshalBinary for bytes that are not a model
// of this version.
var ErrFormat = errors.New("classify: not a model of this version")

// MarshalBinary encodes the model for storage (encoding/gob of its
// parameters; about 40 bytes per feature).
func (m *Model) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(m.snapshot()); err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return buf.Bytes(), nil
}

func (m *Model) snapshot() snapshot {
	if m.members != nil {
		s := snapshot{Version: formatVersion, Options: m.opt, Labels: m.labels, B: make([]float32, len(m.labels)), Temp: m.temp}
		for _, sub := range m.members {
			s.Members = append(s.Members, sub.snapshot())
		}
		return s
	}
	keys := make([]uint64, len(m.idf))
	for p, k := range m.table.keys {
		if k != 0 {
			if k == zeroKey {
				k = 0
			}
			keys[m.table.vals[p]] = k
		}
	}
	return snapshot{
		Version: formatVersion, Options: m.opt, Labels: m.labels,
		Keys: keys, IDF: m.idf, W: m.w, B: m.b, Temp: m.temp, Words: m.words,
	}
}

// UnmarshalBinary decodes a model made by MarshalBinary.
func (m *Model) UnmarshalBinary(data []byte) error {
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return m.restore(s, 0)
}

// restore rebuilds a model (and its members, at depth 1) from its
// snapshot, checking that the parts fit together.
func (m *Model) restore(s snapshot, depth int) error {
	if len(s.Members) > 0 {
		if depth > 0 || s.Version < 3 || s.Version > formatVersion || len(s.Labels) < 2 {
			return ErrFormat
		}
		s.Options.fill()
		*m = Model{opt: s.Options, labels: s.Labels, temp: s.Temp}
		for _, ss := range s.Members {
			sub := new(Model)
			if err := sub.restore(ss, depth+1); err != nil {
				return err
			}
			if !slices.Equal(sub.labels, s.Labels) {
				return ErrFormat
			}
			m.members = append(m.members, sub)
		}
		return nil
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
