package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRowDotsAgainstGemm checks RowDots against Gemm(false, true, …) on a filter-gradient
// shape, within the rounding of two summation orders.
func TestRowDotsAgainstGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k := 16, 37, 3200
	a, b := RandNormal(rng, 0, 1, m, k).Data(), RandNormal(rng, 0, 1, n, k).Data()
	got, want := make([]float32, m*n), make([]float32, m*n)
	RowDots(m, n, k, 1, a, k, b, k, 0, got, n)
	Gemm(false, true, m, n, k, 1, a, k, b, k, 0, want, n)
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-3 {
			t.Fatalf("c[%d] = %v, Gemm gives %v", i, got[i], want[i])
		}
	}
}

func TestRowDotsChecksArguments(t *testing.T) {
	for name, f := range map[string]func(){
		"negative": func() { RowDots(-1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) },
		"short A":  func() { RowDots(2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 3, 0, make([]float32, 4), 2) },
		"lda":      func() { RowDots(2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 3, 0, make([]float32, 4), 2) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "RowDots") {
					t.Errorf("%s: panic %v, want one naming RowDots", name, r)
				}
			}()
			f()
		}()
	}
}
