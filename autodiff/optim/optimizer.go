package optim

import (
	"fmt"
	"slices"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// Optimizer updates a fixed list of named parameters from their gradients.
//
// The implementations in this package ([SGD], [Adam], [RMSProp]) keep one [ParamState] per
// parameter, allocated lazily at the first Step that sees a gradient for it; after that, Step
// allocates nothing. An Optimizer is not safe for concurrent use.
type Optimizer interface {
	// Step applies one update to every parameter whose Grad is non-nil. Parameters with a nil
	// Grad are skipped: neither their value nor their state (including the step count) changes.
	Step()
	// ZeroGrad sets every parameter's gradient to zero in place, keeping the buffers.
	ZeroGrad()
	// ClearGrad sets every parameter's gradient to nil, keeping the buffers for the next
	// backward pass to write into (see autodiff.ClearGrad): PyTorch's
	// zero_grad(set_to_none=True). It is faster than ZeroGrad; the difference is that a
	// parameter the next backward pass does not reach is skipped by Step instead of being
	// updated with a zero gradient.
	ClearGrad()
	// LR returns the current learning rate.
	LR() float64
	// SetLR sets the learning rate used by the following steps, typically from a [Schedule].
	SetLR(lr float64)
	// Params returns the parameters, in the order given to the constructor.
	Params() []autodiff.Param
	// State returns the live state of the named parameter: its buffers share storage with the
	// optimizer. ok is false if the parameter is unknown or has no state yet.
	State(name string) (s ParamState, ok bool)
	// ResetState discards the state of the named parameter, as if it had never been updated:
	// its step count restarts at zero (so does Adam's bias correction). It panics if the name
	// is unknown.
	ResetState(name string)
	// ResetElements zeroes the given flat (row-major) element indices in every state buffer of
	// the named parameter, keeping its step count. It is a no-op for a parameter without state.
	// It panics if the name is unknown or an index is out of range.
	ResetElements(name string, idx []int)
	// Reset discards the state of every parameter.
	Reset()
	// ExportState returns a deep copy of the state of every parameter that has one, keyed by
	// parameter name.
	ExportState() map[string]ParamState
	// ImportState replaces the whole optimizer state with a copy of s, as returned by
	// ExportState; parameters missing from s get a fresh state. It returns an error, and
	// changes nothing, if s names an unknown parameter or buffer or a buffer's shape differs
	// from its parameter's.
	ImportState(s map[string]ParamState) error
}

// ParamState is the optimizer state of one parameter.
type ParamState struct {
	// Step is the number of updates applied to the parameter since its state was created.
	Step int64
	// Buffers holds the per-element state tensors, each with the parameter's shape, under
	// PyTorch's names: "exp_avg" and "exp_avg_sq" (Adam), "momentum_buffer" (SGD, RMSProp),
	// "square_avg" and "grad_avg" (RMSProp).
	Buffers map[string]*tensor.Tensor
}

// DecayFunc reports whether weight decay applies to a parameter.
type DecayFunc func(p autodiff.Param) bool

// DecayMatrices is a [DecayFunc] that decays parameters of rank 2 or more (weight matrices,
// embeddings, convolution kernels) and exempts vectors and scalars (biases, layer-norm gains
// and shifts), the usual convention for AdamW.
func DecayMatrices(p autodiff.Param) bool { return p.Value.Rank() >= 2 }

// paramState is the internal state of one parameter: bufs follows base.keys.
type paramState struct {
	step int64
	bufs []*tensor.Tensor
}

// base holds what every optimizer shares: the parameters, their state and the learning rate.
type base struct {
	kind   string
	params []autodiff.Param
	index  map[string]int
	keys   []string // buffer names, fixed by the optimizer's configuration
	states []paramState
	decay  []bool // whether weight decay applies, per parameter
	lr     float64
}

func newBase(kind string, params []autodiff.Param, lr float64, keys []string, decay DecayFunc) base {
	b := base{
		kind:   kind,
		params: slices.Clone(params),
		index:  make(map[string]int, len(params)),
		keys:   keys,
		states: make([]paramState, len(params)),
		decay:  make([]bool, len(params)),
		lr:     lr,
	}
	for i, p := range params {
		if p.Var == nil || p.Value == nil {
			panic(fmt.Sprintf("optim: New%s: parameter %q has no value", kind, p.Name))
		}
		if _, dup := b.index[p.Name]; dup {
			panic(fmt.Sprintf("optim: New%s: duplicate parameter name %q", kind, p.Name))
		}
		b.index[p.Name] = i
		b.decay[i] = decay == nil || decay(p)
	}
	return b
}

// LR returns the current learning rate.
func (b *base) LR() float64 { return b.lr }

// SetLR sets the learning rate used by the following steps.
func (b *base) SetLR(lr float64) { b.lr = lr }

// Params returns the parameters, in the order given to the constructor.
func (b *base) Params() []autodiff.Param { return b.params }

// ZeroGrad sets every non-nil gradient to zero in place.
func (b *base) ZeroGrad() {
	for _, p := range b.params {
		if p.Grad != nil {
			clear(p.Grad.Data())
		}
	}
}

// ClearGrad sets every gradient to nil, keeping the storage for the next backward pass.
func (b *base) ClearGrad() { autodiff.ClearGrad(b.params) }

// grad returns the gradient data of parameter i and whether it takes part in this step,
// allocating its state on first use. It panics if the gradient's size differs from the value's.
func (b *base) grad(i int) ([]float32, bool) {
	p := b.params[i]
	if p.Grad == nil {
		return nil, false
	}
	if p.Grad.Len() != p.Value.Len() {
		panic(fmt.Sprintf("optim: %s.Step: parameter %q has value shape %v but gradient shape %v",
			b.kind, p.Name, p.Value.Shape(), p.Grad.Shape()))
	}
	st := &b.states[i]
	if st.bufs == nil {
		st.bufs = make([]*tensor.Tensor, len(b.keys))
		for k := range st.bufs {
			st.bufs[k] = tensor.New(p.Value.Shape()...)
		}
	}
	return p.Grad.Data(), true
}

func (b *base) lookup(op, name string) int {
	i, ok := b.index[name]
	if !ok {
		panic(fmt.Sprintf("optim: %s.%s: unknown parameter %q", b.kind, op, name))
	}
	return i
}

// State returns the live state of the named parameter.
func (b *base) State(name string) (ParamState, bool) {
	i, ok := b.index[name]
	if !ok || b.states[i].bufs == nil {
		return ParamState{}, false
	}
	st := b.states[i]
	s := ParamState{Step: st.step, Buffers: make(map[string]*tensor.Tensor, len(b.keys))}
	for k, key := range b.keys {
		s.Buffers[key] = st.bufs[k]
	}
	return s, true
}

// ResetState discards the state of the named parameter.
func (b *base) ResetState(name string) {
	b.states[b.lookup("ResetState", name)] = paramState{}
}

// ResetElements zeroes the given flat element indices in every state buffer of the named
// parameter.
func (b *base) ResetElements(name string, idx []int) {
	i := b.lookup("ResetElements", name)
	n := b.params[i].Value.Len()
	for _, j := range idx {
		if j < 0 || j >= n {
			panic(fmt.Sprintf("optim: %s.ResetElements: index %d out of range for parameter %q with %d elements",
				b.kind, j, name, n))
		}
	}
	for _, t := range b.states[i].bufs {
		d := t.Data()
		for _, j := range idx {
			d[j] = 0
		}
	}
}

// Reset discards the state of every parameter.
func (b *base) Reset() { clear(b.states) }

// ExportState returns a deep copy of the state of every parameter that has one.
func (b *base) ExportState() map[string]ParamState {
	out := make(map[string]ParamState)
	for i, p := range b.params {
		st := b.states[i]
		if st.bufs == nil {
			continue
		}
		s := ParamState{Step: st.step, Buffers: make(map[string]*tensor.Tensor, len(b.keys))}
		for k, key := range b.keys {
			s.Buffers[key] = st.bufs[k].Clone()
		}
		out[p.Name] = s
	}
	return out
}

// ImportState replaces the optimizer state with a copy of s.
func (b *base) ImportState(s map[string]ParamState) error {
	// Validate everything before changing anything.
	for name, ps := range s {
		i, ok := b.index[name]
		if !ok {
			return fmt.Errorf("optim: %s.ImportState: unknown parameter %q", b.kind, name)
		}
		if ps.Step < 0 {
			return fmt.Errorf("optim: %s.ImportState: parameter %q: negative step %d", b.kind, name, ps.Step)
		}
		for key, t := range ps.Buffers {
			if !slices.Contains(b.keys, key) {
				return fmt.Errorf("optim: %s.ImportState: parameter %q: unknown state buffer %q (want %v)",
					b.kind, name, key, b.keys)
			}
			if t == nil || !t.SameShape(b.params[i].Value) {
				var shape []int
				if t != nil {
					shape = t.Shape()
				}
				return fmt.Errorf("optim: %s.ImportState: parameter %q: buffer %q has shape %v, parameter has %v",
					b.kind, name, key, shape, b.params[i].Value.Shape())
			}
		}
		for _, key := range b.keys {
			if _, ok := ps.Buffers[key]; !ok {
				return fmt.Errorf("optim: %s.ImportState: parameter %q: missing state buffer %q", b.kind, name, key)
			}
		}
	}
	clear(b.states)
	for name, ps := range s {
		i := b.index[name]
		st := paramState{step: ps.Step, bufs: make([]*tensor.Tensor, len(b.keys))}
		for k, key := range b.keys {
			st.bufs[k] = ps.Buffers[key].Clone()
		}
		b.states[i] = st
	}
	return nil
}

// scaleInPlace multiplies x by a. It stays a plain loop: tensor.MulScalarInto splits large
// tensors over new goroutines, which allocates, and optimizer steps allocate nothing.
func scaleInPlace(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}
