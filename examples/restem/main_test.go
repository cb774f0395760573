package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tenet-ml/tenet/lm/task"
)

func TestRunJobs(t *testing.T) {
	var running, peak, done atomic.Int32
	jobs := make([]func(context.Context) error, 20)
	for i := range jobs {
		jobs[i] = func(context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			for range 1000 {
				_ = rand.IntN(10)
			}
			running.Add(-1)
			done.Add(1)
			return nil
		}
	}
	if err := runJobs(context.Background(), 3, jobs); err != nil {
		t.Fatal(err)
	}
	if done.Load() != 20 || peak.Load() > 3 {
		t.Fatalf("done %d jobs, at most %d at once; want 20 and ≤ 3", done.Load(), peak.Load())
	}
	// An error is returned and the jobs after it are not started.
	boom := errors.New("boom")
	var started atomic.Int32
	seq := make([]func(context.Context) error, 10)
	for i := range seq {
		seq[i] = func(context.Context) error {
			started.Add(1)
			if i == 2 {
				return boom
			}
			return nil
		}
	}
	if err := runJobs(context.Background(), 1, seq); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if started.Load() != 3 {
		t.Fatalf("%d jobs started, want 3", started.Load())
	}
}

func TestTaskSpecPrograms(t *testing.T) {
	s := defaults(false)
	tk, maxLen, err := taskSpec("programs", s)
	if err != nil {
		t.Fatal(err)
	}
	pt := tk.(*task.Programs)
	o := pt.Options()
	if !o.SplitByProblem || o.MinOps != 2 || o.MaxOps != 2 || len(o.Vocabulary) != len(tinyVocabulary) {
		t.Fatalf("default program options %+v", o)
	}
	splits, err := task.MakeSplits(tk, task.SplitSizes{Train: 100, Validation: 20, Test: 50}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range splits.Test {
		if strings.Count(p.Solution, "|") != 1 || len(p.Prompt)+len(p.Solution)+2 > maxLen {
			t.Fatalf("problem %q → %q: want two stages within %d tokens", p.Prompt, p.Solution, maxLen)
		}
	}
	for _, bad := range []func(*settings){
		func(s *settings) { s.ProgSplit = "functions" },
		func(s *settings) { s.ProgVocab = "huge" },
	} {
		b := defaults(false)
		bad(&b)
		if _, _, err := taskSpec("programs", b); err == nil {
			t.Errorf("settings %+v accepted", b)
		}
	}
	// The function-disjoint task with the full vocabulary is still available.
	f := defaults(false)
	f.ProgSplit, f.ProgVocab, f.ProgMaxOps = "function", "full", 3
	if _, _, err := taskSpec("programs", f); err != nil {
		t.Fatal(err)
	}
	if q := defaults(true).forTask("program"); q.Seeds < 2 || q.MSteps != 200 {
		t.Fatalf("-quick program settings %+v", q)
	}
}
