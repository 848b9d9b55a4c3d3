package classify

import (
	"math"
	"math/rand/v2"
)

// trainBinary fits an L2-regularised squared-hinge linear SVM with a bias
// by dual coordinate descent with shrinking (Hsieh et al. 2008, the
// LIBLINEAR solver): each step solves the dual for one example exactly, so
// a few passes over the data reach the optimum closely, with no learning
// rate to tune.
//
// docs give the feature indexes; val[i] holds the values of docs[i] for
// this problem (the caller may have scaled them). y[i] is +1 or −1;
// cost[i] is the example's C. It returns the weights (dim entries), the
// bias and the number of passes made.
func trainBinary(docs []sparse, val [][]float32, y []int8, cost []float64, dim int, epochs int, eps float64, seed uint64) ([]float64, float64, int) {
	w := make([]float64, dim)
	var b float64
	const bias = 1.0 // the bias is a feature of constant value 1
	n := len(docs)
	alpha := make([]float64, n)
	qd := make([]float64, n)
	diag := make([]float64, n)
	for i := range docs {
		diag[i] = 0.5 / cost[i]
		var s float64
		for _, v := range val[i] {
			s += float64(v) * float64(v)
		}
		qd[i] = s + bias*bias + diag[i]
	}
	active := make([]int, n)
	for i := range active {
		active[i] = i
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	// Shrinking: an example whose alpha is 0 and whose gradient is past
	// the largest seen in the previous pass is left out until the end.
	maxOld, minOld := math.Inf(1), math.Inf(-1)
	epoch := 0
	for epoch < epochs {
		epoch++
		r.Shuffle(len(active), func(i, j int) { active[i], active[j] = active[j], active[i] })
		maxPG, minPG := math.Inf(-1), math.Inf(1)
		for s := 0; s < len(active); s++ {
			i := active[s]
			idx, v := docs[i].idx, val[i]
			yi := float64(y[i])
			var dot float64
			for k, j := range idx {
				dot += w[j] * float64(v[k])
			}
			dot += b * bias
			g := yi*dot - 1 + diag[i]*alpha[i]
			pg := g
			if alpha[i] == 0 {
				if g > maxOld {
					active[s] = active[len(active)-1]
					active = active[:len(active)-1]
					s--
					continue
				}
				if g > 0 {
					pg = 0
				}
			}
			maxPG = max(maxPG, pg)
			minPG = min(minPG, pg)
			if math.Abs(pg) < 1e-12 {
				continue
			}
			old := alpha[i]
			alpha[i] = max(old-g/qd[i], 0)
			delta := (alpha[i] - old) * yi
			if delta == 0 {
				continue
			}
			for k, j := range idx {
				w[j] += delta * float64(v[k])
			}
			b += delta * bias
		}
		if maxPG-minPG <= eps {
			if len(active) == n {
				break
			}
			// Converged on the active set: check all examples again.
			active = active[:n]
			for i := range active {
				active[i] = i
			}
			maxOld, minOld = math.Inf(1), math.Inf(-1)
			continue
		}
		maxOld, minOld = maxPG, minPG
		if maxOld <= 0 {
			maxOld = math.Inf(1)
		}
		if minOld >= 0 {
			minOld = math.Inf(-1)
		}
	}
	_ = minOld
	return w, b, epoch
}
