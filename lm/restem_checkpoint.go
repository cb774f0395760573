package lm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"

	"github.com/tenet-ml/tenet/autodiff/checkpoint"
)

// restemCheckpoint is the configuration stored with every iteration's weights.
type restemCheckpoint struct {
	Format     string            `json:"format"`
	Iteration  int               `json:"iteration"`
	Config     ReSTEMConfig      `json:"config"`
	Model      Config            `json:"model"`
	Splits     [3]int            `json:"splits"`
	Iterations []ReSTEMIteration `json:"iterations"`
}

const restemFormat = "tenet-restem-1"

func (r *ReSTEM) iterPath(it int, suffix string) string {
	return filepath.Join(r.Config.Dir, fmt.Sprintf("iter-%02d%s", it, suffix))
}

// save checkpoints iteration it: the model weights with the records so far, then the kept
// set. The weights file is written last of the two, atomically, so a resumable iteration
// always has its kept set.
func (r *ReSTEM) save(it int, model *Transformer, kept []KeptSolution, recs []ReSTEMIteration) error {
	if err := os.MkdirAll(r.Config.Dir, 0o755); err != nil {
		return err
	}
	if kept == nil {
		kept = []KeptSolution{}
	}
	js, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	tmp := r.iterPath(it, "-kept.json.tmp")
	if err := os.WriteFile(tmp, js, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, r.iterPath(it, "-kept.json")); err != nil {
		return err
	}
	return checkpoint.Save(r.iterPath(it, ".safetensors"), checkpoint.Checkpoint{
		Params: model.Params(),
		Step:   int64(it),
		Config: r.checkpointConfig(it, encodeRecords(recs)),
	})
}

func (r *ReSTEM) checkpointConfig(it int, recs []ReSTEMIteration) restemCheckpoint {
	return restemCheckpoint{
		Format: restemFormat, Iteration: it, Config: r.Config, Model: r.Base.Config(),
		Splits: [3]int{len(r.Data.Train), len(r.Data.Validation), len(r.Data.Test)}, Iterations: recs,
	}
}

// resume loads the last finished iteration from Config.Dir. It returns no records if the
// directory holds no checkpoint; an error if a checkpoint belongs to a different run (other
// configuration, splits, model shape or base weights).
func (r *ReSTEM) resume() ([]ReSTEMIteration, *Transformer, []KeptSolution, error) {
	last := -1
	for it := r.Config.Iterations; it >= 0; it-- {
		if _, err := os.Stat(r.iterPath(it, ".safetensors")); err == nil {
			last = it
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, err
		}
	}
	if last < 0 {
		return nil, nil, nil, nil
	}
	want := r.checkpointConfig(last, nil)
	load := func(it int) (*Transformer, restemCheckpoint, error) {
		var got restemCheckpoint
		m := cloneTransformer(r.Base)
		if err := checkpoint.Load(r.iterPath(it, ".safetensors"), &checkpoint.Checkpoint{Params: m.Params(), Config: &got}); err != nil {
			return nil, got, err
		}
		w := want
		w.Iteration, w.Iterations, got.Iterations = it, nil, decodeRecords(got.Iterations)
		gotCfg := got
		gotCfg.Iterations = nil
		if !reflect.DeepEqual(stripCallbacks(gotCfg), stripCallbacks(w)) {
			return nil, got, fmt.Errorf("lm: ReSTEM: checkpoint %s was written by a different run (configuration, splits or model); to start afresh, remove %s or checkpoint elsewhere", r.iterPath(it, ".safetensors"), r.Config.Dir)
		}
		return m, got, nil
	}
	// The base weights of iteration 0 must be this run's base.
	base, _, err := load(0)
	if err != nil {
		return nil, nil, nil, err
	}
	if !sameWeights(base, r.Base) {
		return nil, nil, nil, fmt.Errorf("lm: ReSTEM: the checkpoints in %s start from a different base model (one trained with other settings, or by another version of the kernels, whose rounding differs); to start afresh, remove it or checkpoint elsewhere", r.Config.Dir)
	}
	m, got, err := load(last)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(got.Iterations) != last+1 {
		return nil, nil, nil, fmt.Errorf("lm: ReSTEM: checkpoint %s holds %d records, want %d", r.iterPath(last, ".safetensors"), len(got.Iterations), last+1)
	}
	js, err := os.ReadFile(r.iterPath(last, "-kept.json"))
	if err != nil {
		return nil, nil, nil, err
	}
	var kept []KeptSolution
	if err := json.Unmarshal(js, &kept); err != nil {
		return nil, nil, nil, fmt.Errorf("lm: ReSTEM: %s: %v", r.iterPath(last, "-kept.json"), err)
	}
	for _, k := range kept {
		if k.Problem < 0 || k.Problem >= len(r.Data.Train) {
			return nil, nil, nil, fmt.Errorf("lm: ReSTEM: %s names problem %d of %d", r.iterPath(last, "-kept.json"), k.Problem, len(r.Data.Train))
		}
	}
	if last == 0 {
		m = r.Base
	}
	return got.Iterations, m, kept, nil
}

// stripCallbacks clears what a JSON round trip does not keep.
func stripCallbacks(c restemCheckpoint) restemCheckpoint {
	c.Config.Dir, c.Config.Progress, c.Config.MStep.Eval, c.Config.MStep.Progress = "", nil, nil, nil
	return c
}

func sameWeights(a, b *Transformer) bool {
	pa, pb := a.Params(), b.Params()
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		da, db := pa[i].Value.Data(), pb[i].Value.Data()
		if len(da) != len(db) {
			return false
		}
		for j := range da {
			if math.Float32bits(da[j]) != math.Float32bits(db[j]) {
				return false
			}
		}
	}
	return true
}

// missing marks a NaN metric in JSON, which has no NaN.
const missing = -1

func encodeRecords(recs []ReSTEMIteration) []ReSTEMIteration {
	out := append([]ReSTEMIteration(nil), recs...)
	for i := range out {
		for _, e := range []*EvalResult{&out[i].Train, &out[i].Test} {
			for _, x := range []*float64{&e.Pass1, &e.PassK, &e.SampleAccuracy, &e.Maj} {
				if math.IsNaN(*x) {
					*x = missing
				}
			}
			e.Correct = nil
		}
	}
	return out
}

func decodeRecords(recs []ReSTEMIteration) []ReSTEMIteration {
	for i := range recs {
		for _, e := range []*EvalResult{&recs[i].Train, &recs[i].Test} {
			for _, x := range []*float64{&e.Pass1, &e.PassK, &e.SampleAccuracy, &e.Maj} {
				if *x == missing {
					*x = math.NaN()
				}
			}
		}
	}
	return recs
}
