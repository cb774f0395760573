package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// checkModelConformance checks that m implements the Model and State contract: rows of
// the right shape; feeding a sequence in one Append or in chunks gives the same logits
// (within tol); Truncate then Append equals a fresh state; Len follows; Append beyond
// MaxLen and bad Truncates panic; concurrent States are independent. It is meant for every
// Model of the package (a transformer with a KV cache passes it with a small tol).
func checkModelConformance(t *testing.T, m Model, tol float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(17, 18))
	v, maxLen := m.VocabSize(), m.MaxLen()
	seq := make([]int, maxLen)
	for i := range seq {
		seq[i] = rng.IntN(v)
	}
	copyRows := func(rows [][]float32) [][]float32 {
		out := make([][]float32, len(rows))
		for i, r := range rows {
			if len(r) != v {
				t.Fatalf("row of %d logits, want %d", len(r), v)
			}
			out[i] = append([]float32(nil), r...)
		}
		return out
	}
	closeRows := func(what string, a, b [][]float32) {
		t.Helper()
		for i := range a {
			for j := range a[i] {
				if d := math.Abs(float64(a[i][j] - b[i][j])); !(d <= tol) {
					t.Fatalf("%s: position %d token %d: %v vs %v", what, i, j, a[i][j], b[i][j])
				}
			}
		}
	}

	s := m.NewState()
	if s.Len() != 0 {
		t.Fatalf("new state has Len %d", s.Len())
	}
	full := copyRows(s.Append(seq))
	if len(full) != maxLen || s.Len() != maxLen {
		t.Fatalf("Append of %d tokens gave %d rows, Len %d", maxLen, len(full), s.Len())
	}

	// Chunked feeding.
	s = m.NewState()
	var chunked [][]float32
	for i := 0; i < maxLen; {
		n := min(1+rng.IntN(4), maxLen-i)
		rows := s.Append(seq[i : i+n])
		if len(rows) != n {
			t.Fatalf("Append of %d tokens gave %d rows", n, len(rows))
		}
		chunked = append(chunked, copyRows(rows)...)
		i += n
		if s.Len() != i {
			t.Fatalf("Len %d after feeding %d tokens", s.Len(), i)
		}
	}
	closeRows("chunked Append", chunked, full)

	// Truncate, then feed a different continuation: equal to a fresh state.
	for _, n := range []int{0, 1, maxLen / 2, maxLen - 1, maxLen} {
		s.Truncate(n)
		if s.Len() != n {
			t.Fatalf("Len %d after Truncate(%d)", s.Len(), n)
		}
		alt := append(append([]int(nil), seq[:n]...), make([]int, maxLen-n)...)
		for i := n; i < maxLen; i++ {
			alt[i] = rng.IntN(v)
		}
		if n == maxLen {
			continue
		}
		got := copyRows(s.Append(alt[n:]))
		fresh := m.NewState()
		want := copyRows(fresh.Append(alt))
		closeRows(fmt.Sprintf("Truncate(%d) then Append", n), got, want[n:])
		s.Truncate(n)
		s.Append(seq[n:]) // restore seq for the next round
	}

	// Misuse panics with a message.
	for name, f := range map[string]func(){
		"Append beyond MaxLen": func() { st := m.NewState(); st.Append(seq); st.Append(seq[:1]) },
		"Truncate beyond Len":  func() { st := m.NewState(); st.Append(seq[:2]); st.Truncate(3) },
		"Truncate negative":    func() { m.NewState().Truncate(-1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "Len") && !strings.Contains(fmt.Sprint(r), "MaxLen") && !strings.Contains(fmt.Sprint(r), "Truncate") {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			f()
		}()
	}

	// Concurrent states.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := m.NewState()
			for i := 0; i < maxLen; i++ {
				row := st.Append(seq[i : i+1])[0]
				for j := range row {
					if d := math.Abs(float64(row[j] - full[i][j])); !(d <= tol) {
						t.Errorf("concurrent state: position %d differs", i)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestBigramModelConformance(t *testing.T) {
	checkModelConformance(t, NewRandomBigramModel(7, 12, 2, rand.New(rand.NewPCG(1, 2))), 0)
}

func TestPrefixModelConformance(t *testing.T) {
	checkModelConformance(t, &prefixModel{vocab: 5, maxLen: 9}, 0)
}
