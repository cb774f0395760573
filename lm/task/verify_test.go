package task

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// Verify and Answer agree: a solution scores 1 exactly when its answer is p.Answer. Majority
// voting relies on it. Solutions are drawn from other problems of the same task, so some
// are right by coincidence and most are wrong.
func TestVerifyAgreesWithAnswer(t *testing.T) {
	for _, tk := range tasks(t) {
		s, err := MakeSplits(tk, SplitSizes{Test: 200}, rand.New(rand.NewPCG(11, 12)))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 1))
		right := 0
		for _, p := range s.Test {
			for i := range 21 {
				sol := p.Solution
				if i > 0 {
					sol = s.Test[rng.IntN(len(s.Test))].Solution
				}
				a, ok := tk.Answer(p, sol)
				v := tk.Verify(p, sol)
				if (v == 1) != (ok && a == p.Answer) || (v != 0 && v != 1) {
					t.Fatalf("%s: Verify %v but Answer %q, %v (want %q) for %q", tk.Name(), v, a, ok, p.Answer, sol)
				}
				if v == 1 {
					right++
				}
			}
		}
		if right <= len(s.Test) {
			t.Errorf("%s: only %d right answers, the check is vacuous", tk.Name(), right)
		}
	}
}

func TestVerifyConcurrent(t *testing.T) {
	for _, tk := range tasks(t) {
		s, err := MakeSplits(tk, SplitSizes{Test: 40}, rand.New(rand.NewPCG(2, 2)))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, p := range s.Test {
					if tk.Verify(p, p.Solution) != 1 {
						t.Errorf("%s goroutine %d: problem %d rejected", tk.Name(), g, i)
					}
					tk.Verify(p, s.Test[(i+1)%len(s.Test)].Solution)
				}
			}()
		}
		wg.Wait()
	}
}

func BenchmarkVerify(b *testing.B) {
	a, _ := NewArithmetic(DefaultArithOptions())
	progs, _ := NewPrograms(DefaultProgramOptions())
	for _, tk := range []Task{a, progs} {
		p, _ := tk.Sample(rand.New(rand.NewPCG(1, 2)))
		b.Run(tk.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tk.Verify(p, p.Solution)
			}
		})
	}
}

func BenchmarkSample(b *testing.B) {
	a, _ := NewArithmetic(DefaultArithOptions())
	progs, _ := NewPrograms(DefaultProgramOptions())
	for _, tk := range []Task{a, progs} {
		b.Run(tk.Name(), func(b *testing.B) {
			b.ReportAllocs()
			rng := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				if _, err := tk.Sample(rng); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRun(b *testing.B) {
	p, _ := Parse("map(x*2)|filter(x>3)|sort|take(2)|sum")
	in := []int64{5, 1, 2, 9, 4, 7}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Run(in, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
