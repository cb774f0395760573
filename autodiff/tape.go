package autodiff

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/tenet-ml/tenet/tensor"
)

// Tape records the operations of one forward pass so that Backward can differentiate them.
//
// A tape is define-by-run: each operation (a method such as Add or MatMul) computes its result
// at once and, when an operand requires a gradient, appends a record of what it did. Backward
// walks the records in reverse and accumulates gradients into the operands.
//
// A tape owns the storage of everything it hands out: the intermediate vars, their values and
// gradients, and what operations save for the backward pass. Reset forgets the records and
// recycles that storage: the i-th tensor requested after a Reset reuses the i-th tensor of the
// previous pass when the shapes agree. A training loop that repeats the same computation
// therefore allocates nothing after the first step. Vars and tensors returned by a tape are
// valid until its next Reset; copy what must outlive it.
//
// A nil *Tape is valid for every operation: it records nothing and allocates each result
// afresh, which suits one-off inference. A tape with gradients disabled (SetGradEnabled(false))
// also records nothing but still recycles storage, which suits repeated inference such as
// acting in an environment or decoding.
//
// A Tape is not safe for concurrent use; independent tapes may run on separate goroutines at
// once (they share nothing but the leaf vars, whose values they only read during a forward
// pass and whose gradients they write during Backward).
type Tape struct {
	noGrad bool
	recs   []record

	vars  []*Var
	nvar  int
	bufs  []*tensor.Tensor
	nbuf  int
	views []*tensor.Tensor
	nview int
	ints  []int
	nint  int
	vlist []*Var
	nvl   int
	epoch uint64

	capturing bool
	captured  []Captured

	conv *convWork // scratch of Conv2D's parallel loops, made on first use

	// leafGrads, when set, holds this tape's own gradient storage for its leaves (a
	// DataParallel replica's parameters); a leaf outside it is then a misuse.
	leafGrads map[*Var]*tensor.Tensor
}

// Captured is one activation observed during a forward pass with capture enabled.
type Captured struct {
	// Name identifies the activation, usually the name of the layer that produced it.
	Name string
	// Value is the activation; it belongs to the tape and is valid until Reset.
	Value *tensor.Tensor
}

// NewTape returns an empty tape with gradients enabled.
func NewTape() *Tape { return &Tape{} }

// Reset forgets the recorded operations and recycles the tape's storage for the next pass.
// Vars and tensors obtained from the tape before Reset must not be used afterwards. Reset on a
// nil tape does nothing.
func (tp *Tape) Reset() {
	if tp == nil {
		return
	}
	clear(tp.recs)
	tp.recs = tp.recs[:0]
	tp.nvar, tp.nbuf, tp.nview, tp.nint, tp.nvl = 0, 0, 0, 0, 0
	clear(tp.captured)
	tp.captured = tp.captured[:0]
}

// SetGradEnabled turns recording on or off and returns the previous setting. With recording
// off, operations compute their results (in recycled storage) but record nothing, as in
// inference. A nil tape never records.
func (tp *Tape) SetGradEnabled(enabled bool) (previous bool) {
	previous = !tp.noGrad
	tp.noGrad = !enabled
	return previous
}

// GradEnabled reports whether the tape records operations for Backward. It is false for a nil
// tape.
func (tp *Tape) GradEnabled() bool { return tp != nil && !tp.noGrad }

// Len returns the number of operations recorded since the last Reset.
func (tp *Tape) Len() int {
	if tp == nil {
		return 0
	}
	return len(tp.recs)
}

// Const returns a var holding value that requires no gradient. On a non-nil tape the var
// itself is recycled storage (valid until Reset); value is used as is, not copied.
func (tp *Tape) Const(value *tensor.Tensor) *Var { return tp.newVar(value, false) }

// SetCapture turns activation capture on or off. While it is on, Observe keeps the values it
// is given, and Captured returns them. Capture is off after NewTape; Reset keeps the setting
// but forgets what was captured.
func (tp *Tape) SetCapture(on bool) { tp.capturing = on }

// Observe notes v under name when capture is on (see SetCapture); layers call it on their
// post-activation outputs. It records nothing for Backward and does nothing on a nil tape.
func (tp *Tape) Observe(name string, v *Var) {
	if tp != nil && tp.capturing {
		tp.captured = append(tp.captured, Captured{Name: name, Value: v.Value})
	}
}

// Captured returns the activations observed since the last Reset, in the order observed. The
// slice and the tensors belong to the tape and are valid until Reset.
func (tp *Tape) Captured() []Captured {
	if tp == nil {
		return nil
	}
	return tp.captured
}

// Backward computes the gradient of the scalar loss with respect to every var that requires
// one and that loss depends on through recorded operations. Gradients of leaves (parameters and
// inputs made by NewVar) are added to their Grad, allocated on first use; gradients of
// intermediates are held in tape storage. A var used several times receives the sum of all
// contributions. It panics if loss does not hold exactly one element.
func (tp *Tape) Backward(loss *Var) {
	if loss.Value.Len() != 1 {
		panic(fmt.Sprintf("autodiff: Backward: loss has shape %v; want one element (use BackwardWith)", loss.Value.Shape()))
	}
	tp.BackwardWith(loss, nil)
}

// BackwardWith runs the backward pass from y seeded with the gradient dy (the vector of the
// vector–Jacobian products), which must have y's shape; a nil dy means ones. It is Backward for
// a y of any shape.
func (tp *Tape) BackwardWith(y *Var, dy *tensor.Tensor) {
	if dy != nil && !dy.SameShape(y.Value) {
		panic(fmt.Sprintf("autodiff: BackwardWith: seed %v for output %v", dy.Shape(), y.Value.Shape()))
	}
	if tp == nil || !y.RequiresGrad {
		return
	}
	tp.epoch++
	g := tp.grad(y)
	if dy == nil {
		for i := range g {
			g[i]++
		}
	} else {
		for i, v := range dy.Data() {
			g[i] += v
		}
	}
	for i := len(tp.recs) - 1; i >= 0; i-- {
		r := &tp.recs[i]
		if r.out.epoch != tp.epoch {
			continue // no gradient reached this operation's output
		}
		backwardFns[r.op](tp, r)
	}
}

// record is one recorded operation: an op code, its operands and output, and what the forward
// pass saved for the backward pass. Records are plain values in a reused slice.
type record struct {
	op      opcode
	out     *Var
	a, b, c *Var
	t0, t1  *tensor.Tensor // saved tensors (tape storage)
	ix      []int          // saved indices (tape storage or the caller's, documented per op)
	fw      []float32      // saved weights (the caller's, documented per op)
	vs      []*Var         // operand lists (Concat)
	i       [6]int
	f       [2]float32
}

// recording reports whether an operation on operands with these RequiresGrad flags must be
// recorded.
func (tp *Tape) recording(need bool) bool { return need && tp != nil && !tp.noGrad }

// push appends r to the tape, marking its output as requiring a gradient.
func (tp *Tape) push(r record) {
	r.out.RequiresGrad = true
	tp.recs = append(tp.recs, r)
}

// newVar returns a var from the tape's storage holding value.
func (tp *Tape) newVar(value *tensor.Tensor, requiresGrad bool) *Var {
	if tp == nil {
		return &Var{Value: value, RequiresGrad: requiresGrad, node: true}
	}
	if tp.nvar == len(tp.vars) {
		chunk := make([]Var, max(32, len(tp.vars)/2))
		for i := range chunk {
			tp.vars = append(tp.vars, &chunk[i])
		}
	}
	v := tp.vars[tp.nvar]
	tp.nvar++
	*v = Var{Value: value, RequiresGrad: requiresGrad, node: true}
	return v
}

// buf returns a tensor of the given shape from the tape's storage. Its contents are
// unspecified: the caller overwrites every element.
func (tp *Tape) buf(shape ...int) *tensor.Tensor {
	if tp == nil {
		return newTensor(shape)
	}
	if tp.nbuf < len(tp.bufs) {
		t := tp.bufs[tp.nbuf]
		if !slices.Equal(t.Shape(), shape) {
			t = newTensor(shape)
			tp.bufs[tp.nbuf] = t
		}
		tp.nbuf++
		return t
	}
	t := newTensor(shape)
	tp.bufs = append(tp.bufs, t)
	tp.nbuf++
	return t
}

// newTensor allocates a zero tensor of the given shape. It copies shape first, so that callers'
// shapes (often stack arrays) do not escape to the heap through tensor.New.
func newTensor(shape []int) *tensor.Tensor { return tensor.New(slices.Clone(shape)...) }

// zeros returns a zero-filled tensor of the given shape from the tape's storage.
func (tp *Tape) zeros(shape ...int) *tensor.Tensor {
	t := tp.buf(shape...)
	if tp != nil {
		clear(t.Data())
	}
	return t
}

// view returns a tensor of the given shape sharing src's data, from the tape's storage when a
// matching view of the same data is available.
func (tp *Tape) view(src *tensor.Tensor, shape ...int) *tensor.Tensor {
	if tp == nil || src.Len() == 0 {
		return src.Reshape(slices.Clone(shape)...)
	}
	if tp.nview < len(tp.views) {
		t := tp.views[tp.nview]
		if !slices.Equal(t.Shape(), shape) || unsafe.SliceData(t.Data()) != unsafe.SliceData(src.Data()) || t.Len() != src.Len() {
			t = src.Reshape(slices.Clone(shape)...)
			tp.views[tp.nview] = t
		}
		tp.nview++
		return t
	}
	t := src.Reshape(slices.Clone(shape)...)
	tp.views = append(tp.views, t)
	tp.nview++
	return t
}

// intBuf returns n ints of tape storage with unspecified contents.
func (tp *Tape) intBuf(n int) []int {
	if tp == nil {
		return make([]int, n)
	}
	if tp.nint+n > len(tp.ints) {
		// Slices handed out earlier keep the old array alive; they stay valid.
		tp.ints = make([]int, max(2*len(tp.ints), n, 256))
		tp.nint = 0
	}
	s := tp.ints[tp.nint : tp.nint+n : tp.nint+n]
	tp.nint += n
	return s
}

// varList returns a copy of vs in tape storage.
func (tp *Tape) varList(vs []*Var) []*Var {
	if tp == nil {
		return slices.Clone(vs)
	}
	n := len(vs)
	if tp.nvl+n > len(tp.vlist) {
		tp.vlist = make([]*Var, max(2*len(tp.vlist), n, 64))
		tp.nvl = 0
	}
	s := tp.vlist[tp.nvl : tp.nvl+n : tp.nvl+n]
	copy(s, vs)
	tp.nvl += n
	return s
}

// grad returns the gradient storage of v for accumulation in the current backward pass, or
// nil when v needs no gradient. A leaf's Grad is allocated on first use and then accumulated
// into; an intermediate's is taken from tape storage and zeroed at its first use in a pass.
func (tp *Tape) grad(v *Var) []float32 {
	if v == nil || !v.RequiresGrad {
		return nil
	}
	if !v.node {
		return tp.leafGrad(v).Data()
	}
	if v.epoch != tp.epoch {
		v.Grad = tp.zeros(v.Value.Shape()...)
		v.epoch = tp.epoch
	}
	return v.Grad.Data()
}

// leafGrad returns the gradient tensor of the leaf v: the tape's own storage for v when it
// keeps one (a DataParallel replica), else v.Grad, allocated on first use.
func (tp *Tape) leafGrad(v *Var) *tensor.Tensor {
	if tp.leafGrads != nil {
		g, ok := tp.leafGrads[v]
		if !ok {
			panic(fmt.Sprintf("autodiff: a DataParallel replica's backward pass reached a leaf %v that is not one of its parameters; only replica 0 may accumulate into other leaves", v.Value.Shape()))
		}
		return g
	}
	if v.Grad == nil {
		return v.restoreGrad(true)
	}
	return v.Grad
}

// gradFirst is grad for operations that can assign their contribution: when fresh is true,
// the storage is new to this backward pass and uninitialised, and the caller must overwrite
// every element (assign rather than accumulate) before anything else reads it; otherwise it
// holds earlier contributions and the caller accumulates, as with grad. A leaf's gradient is
// fresh when it is nil (after ClearGrad) and the tape writes it in place (not a DataParallel
// replica's own storage). Asking again for the same var before writing is a mistake: the
// second call reports it not fresh.
func (tp *Tape) gradFirst(v *Var) (g []float32, fresh bool) {
	if v == nil || !v.RequiresGrad {
		return nil, false
	}
	if !v.node && tp.leafGrads == nil && v.Grad == nil { // a replica never reads a parameter's Grad
		return v.restoreGrad(false).Data(), true
	}
	if !v.node || v.epoch == tp.epoch {
		return tp.grad(v), false
	}
	v.Grad = tp.buf(v.Value.Shape()...)
	v.epoch = tp.epoch
	return v.Grad.Data(), true
}

// gradShare makes g, the finished gradient of an operation's output, also the gradient of v
// when v is an intermediate of g's size whose gradient has not been started in this pass (the
// adjoint of an addition or a reshape passes the output's gradient through unchanged, and
// copying it would cost a pass over memory); when the shapes differ, v's gradient is a view of
// g in v's shape. It reports whether it did. The output's gradient is not read again by the
// tape once its operation's backward has run, so later contributions to v may accumulate into
// the shared storage; intermediates' gradients are the tape's storage anyway.
func (tp *Tape) gradShare(v *Var, g *tensor.Tensor) bool {
	if v == nil || !v.RequiresGrad || !v.node || v.epoch == tp.epoch || v.Value.Len() != g.Len() {
		return false
	}
	if !slices.Equal(v.Value.Shape(), g.Shape()) {
		g = tp.view(g, v.Value.Shape()...)
	}
	v.Grad = g
	v.epoch = tp.epoch
	return true
}

// gradTensor is grad returning the gradient tensor (nil when v needs no gradient), for the
// tensor package's accumulating backward kernels.
func gradTensor(tp *Tape, v *Var) *tensor.Tensor {
	if tp.grad(v) == nil {
		return nil
	}
	if !v.node {
		return tp.leafGrad(v)
	}
	return v.Grad
}
