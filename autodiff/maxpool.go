package autodiff

import "fmt"

// MaxPool2D returns the maximum of x (N, C, H, W) over size×size windows taken every stride
// positions, without padding: the result is (N, C, OH, OW) with OH = (H − size)/stride + 1,
// and likewise OW. The gradient flows to the first maximum of each window.
func (tp *Tape) MaxPool2D(x *Var, size, stride int) *Var {
	s := x.Value.Shape()
	if len(s) != 4 || size < 1 || stride < 1 || s[2] < size || s[3] < size {
		panic(fmt.Sprintf("autodiff: MaxPool2D: x %v, size %d, stride %d", s, size, stride))
	}
	n, c, h, w := s[0], s[1], s[2], s[3]
	oh, ow := (h-size)/stride+1, (w-size)/stride+1
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(n, c, oh, ow), rec)
	var arg []int
	if rec {
		arg = tp.intBuf(n * c * oh * ow)
	}
	y, xs := out.Value.Data(), x.Value.Data()
	k := 0
	for plane := range n * c {
		base := plane * h * w
		for i := range oh {
			for j := range ow {
				best := base + i*stride*w + j*stride
				for a := range size {
					row := base + (i*stride+a)*w + j*stride
					for b := range size {
						if xs[row+b] > xs[best] {
							best = row + b
						}
					}
				}
				y[k] = xs[best]
				if arg != nil {
					arg[k] = best
				}
				k++
			}
		}
	}
	if rec {
		tp.push(record{op: opMaxPool2D, out: out, a: x, ix: arg})
	}
	return out
}

// The pooling stays here rather than on tensor.MaxPool2D/MaxPool2DBackward: those allocate the
// output and an int32 argmax on every call, and the tape keeps both in its own storage.

func maxPool2DBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	for k, g := range r.out.Grad.Data() {
		dx[r.ix[k]] += g
	}
}
