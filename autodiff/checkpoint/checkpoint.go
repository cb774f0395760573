package checkpoint

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// Metadata keys and tensor-name prefix of a tenet checkpoint.
const (
	// FormatKey is the __metadata__ key holding FormatVersion.
	FormatKey = "format"
	// FormatVersion identifies the checkpoint layout described in the package documentation.
	FormatVersion = "tenet-checkpoint-1"
	// StepKey holds the training step as a decimal integer.
	StepKey = "step"
	// ConfigKey holds the JSON encoding of Checkpoint.Config.
	ConfigKey = "config"
	// LRKey holds the optimizer's learning rate, formatted to round-trip exactly.
	LRKey = "optimizer.lr"
	// RNGKeyPrefix prefixes the keys of the random-generator states (base64 of MarshalBinary).
	RNGKeyPrefix = "rng."
	// OptimizerPrefix prefixes the names of optimizer-state tensors:
	// "optimizer/<param>/<buffer>" (F32) and "optimizer/<param>/step" (I64 scalar).
	OptimizerPrefix = "optimizer/"
)

// RandState is a random generator whose state can be saved and restored exactly, such as
// math/rand/v2's *rand.PCG and *rand.ChaCha8 (a *rand.Rand holds no state besides its source).
type RandState interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// Checkpoint is what Save writes and Load restores: the training state needed to resume
// exactly.
type Checkpoint struct {
	// Params are saved under their names and restored into by name; their shapes must match.
	Params []autodiff.Param
	// Optimizer, if non-nil, has its full state (and learning rate) saved and restored.
	Optimizer optim.Optimizer
	// Step is the training step, saved in the metadata; Load sets it.
	Step int64
	// RNG names the random generators to save and restore, e.g. {"data": pcg}.
	RNG map[string]RandState
	// Config, if non-nil, is saved as one JSON string in the metadata (which maps strings to
	// strings). Load decodes it into Config, which must then be a non-nil pointer.
	Config any
}

// Save writes ck to path as a safetensors file, atomically: the data goes to a temporary file
// in the same directory, which is synced, closed and renamed over path, and the directory is
// synced; if anything fails, path keeps its previous content and the temporary file is
// removed.
func Save(path string, ck Checkpoint) error {
	entries, meta, err := ck.encode()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, func(w io.Writer) error { return Write(w, entries, meta) })
}

func (ck *Checkpoint) encode() ([]Entry, map[string]string, error) {
	meta := map[string]string{FormatKey: FormatVersion, StepKey: strconv.FormatInt(ck.Step, 10)}
	var entries []Entry
	for _, p := range ck.Params {
		if p.Var == nil || p.Value == nil {
			return nil, nil, fmt.Errorf("checkpoint: Save: parameter %q has no value", p.Name)
		}
		if strings.HasPrefix(p.Name, OptimizerPrefix) {
			return nil, nil, fmt.Errorf("checkpoint: Save: parameter name %q uses the reserved prefix %q", p.Name, OptimizerPrefix)
		}
		entries = append(entries, Float32(p.Name, p.Value))
	}
	if opt := ck.Optimizer; opt != nil {
		meta[LRKey] = strconv.FormatFloat(opt.LR(), 'g', -1, 64)
		for _, p := range opt.Params() {
			s, ok := opt.State(p.Name)
			if !ok {
				continue
			}
			prefix := OptimizerPrefix + p.Name + "/"
			entries = append(entries, Int64(prefix+"step", nil, s.Step))
			for key, t := range s.Buffers {
				entries = append(entries, Float32(prefix+key, t))
			}
		}
	}
	for name, r := range ck.RNG {
		b, err := r.MarshalBinary()
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint: Save: random generator %q: %w", name, err)
		}
		meta[RNGKeyPrefix+name] = base64.StdEncoding.EncodeToString(b)
	}
	if ck.Config != nil {
		b, err := json.Marshal(ck.Config)
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint: Save: config: %w", err)
		}
		meta[ConfigKey] = string(b)
	}
	return entries, meta, nil
}

// Load restores ck from the checkpoint at path: every parameter of ck.Params from the tensor of
// the same name (F32, F16, BF16 or F64 in the file; the shape must match), ck.Step, the
// optimizer state and learning rate if ck.Optimizer is non-nil, each generator of ck.RNG, and
// ck.Config if non-nil. Tensors in the file that ck does not ask for are ignored. It returns
// an error naming the problem — a missing tensor, a wrong shape, an unsupported dtype, missing
// optimizer, generator or config state, a malformed file — and then leaves ck, its parameters,
// optimizer and generators unchanged.
func Load(path string, ck *Checkpoint) error {
	f, err := Open(path)
	if err != nil {
		return fmt.Errorf("checkpoint: Load: %w", err)
	}
	defer f.Close()
	if err := ck.restore(f); err != nil {
		return fmt.Errorf("checkpoint: Load %s: %w", path, err)
	}
	return nil
}

// restore stages everything from f, then applies it, rolling back on failure.
func (ck *Checkpoint) restore(f *File) error {
	meta := f.Metadata()
	var step int64
	if s, ok := meta[StepKey]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("metadata %q = %q: %w", StepKey, s, err)
		}
		step = v
	}

	values := make([]*tensor.Tensor, len(ck.Params))
	for i, p := range ck.Params {
		in, ok := f.Info(p.Name)
		if !ok {
			return fmt.Errorf("missing tensor %q", p.Name)
		}
		if !slices.Equal(in.Shape, p.Value.Shape()) {
			return fmt.Errorf("tensor %q has shape %v, parameter has shape %v", p.Name, in.Shape, p.Value.Shape())
		}
		t, err := f.Tensor(p.Name)
		if err != nil {
			return err
		}
		values[i] = t
	}

	var optState map[string]optim.ParamState
	var lr float64
	if ck.Optimizer != nil {
		s, ok := meta[LRKey]
		if !ok {
			return fmt.Errorf("no optimizer state (metadata %q missing)", LRKey)
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("metadata %q = %q: %w", LRKey, s, err)
		}
		lr = v
		if optState, err = readOptimizerState(f); err != nil {
			return err
		}
	}

	rngStates := make(map[string][]byte, len(ck.RNG))
	for name := range ck.RNG {
		s, ok := meta[RNGKeyPrefix+name]
		if !ok {
			return fmt.Errorf("no state for random generator %q (metadata %q missing)", name, RNGKeyPrefix+name)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("random generator %q: %w", name, err)
		}
		rngStates[name] = b
	}

	var config reflect.Value
	if ck.Config != nil {
		s, ok := meta[ConfigKey]
		if !ok {
			return fmt.Errorf("no config (metadata %q missing)", ConfigKey)
		}
		rv := reflect.ValueOf(ck.Config)
		if rv.Kind() != reflect.Pointer || rv.IsNil() {
			return fmt.Errorf("Checkpoint.Config must be a non-nil pointer to decode into, got %T", ck.Config)
		}
		// Decode into a copy so that a failure leaves Config untouched.
		config = reflect.New(rv.Elem().Type())
		config.Elem().Set(rv.Elem())
		if err := json.Unmarshal([]byte(s), config.Interface()); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}

	// Apply: generators and optimizer can fail, so they go first and roll back.
	var saved = make(map[string][]byte)
	rollback := func() {
		for name, b := range saved {
			ck.RNG[name].UnmarshalBinary(b) // restoring a state it produced itself
		}
	}
	for name, b := range rngStates {
		old, err := ck.RNG[name].MarshalBinary()
		if err != nil {
			rollback()
			return fmt.Errorf("random generator %q: %w", name, err)
		}
		if err := ck.RNG[name].UnmarshalBinary(b); err != nil {
			rollback()
			return fmt.Errorf("random generator %q: %w", name, err)
		}
		saved[name] = old
	}
	if ck.Optimizer != nil {
		if err := ck.Optimizer.ImportState(optState); err != nil {
			rollback()
			return err
		}
		ck.Optimizer.SetLR(lr)
	}
	if config.IsValid() {
		reflect.ValueOf(ck.Config).Elem().Set(config.Elem())
	}
	for i, p := range ck.Params {
		p.Value.CopyFrom(values[i])
	}
	ck.Step = step
	return nil
}

// readOptimizerState collects the "optimizer/<param>/<key>" tensors of f.
func readOptimizerState(f *File) (map[string]optim.ParamState, error) {
	state := make(map[string]optim.ParamState)
	get := func(param string) optim.ParamState {
		s, ok := state[param]
		if !ok {
			s = optim.ParamState{Step: -1, Buffers: make(map[string]*tensor.Tensor)}
		}
		return s
	}
	for _, name := range f.Names() {
		rest, ok := strings.CutPrefix(name, OptimizerPrefix)
		if !ok {
			continue
		}
		i := strings.LastIndexByte(rest, '/')
		if i <= 0 || i == len(rest)-1 {
			return nil, fmt.Errorf("optimizer tensor %q: want %s<param>/<buffer>", name, OptimizerPrefix)
		}
		param, key := rest[:i], rest[i+1:]
		s := get(param)
		if key == "step" {
			v, shape, err := f.Int64s(name)
			if err != nil {
				return nil, err
			}
			if len(shape) != 0 {
				return nil, fmt.Errorf("optimizer tensor %q: step must be a scalar, has shape %v", name, shape)
			}
			s.Step = v[0]
		} else {
			t, err := f.Tensor(name)
			if err != nil {
				return nil, err
			}
			s.Buffers[key] = t
		}
		state[param] = s
	}
	for param, s := range state {
		if s.Step < 0 {
			return nil, fmt.Errorf("optimizer state of %q has no valid step tensor", param)
		}
	}
	return state, nil
}
